# SPDX-License-Identifier: GPL-2.0
#
# The checksum and error counters of the network namespace awk runs in,
# one "PREFIXname value" line each (selftests/net/ovl_realnic_interop.sh):
#
#   ip netns exec NS awk -v pre=PREFIX -v devs="DEV..." \
#           -v vms="NAME=PID..." -f csum_counters.awk
#
#   - every *InCsumErrors of the IPv4 and IPv6 MIBs (/proc/net/snmp,
#     /proc/net/snmp6) and Tcp RetransSegs, of this namespace and of each
#     NAME's (a namespace holding process PID: /proc/PID/net, no exec)
#   - per DEV: the sysfs error counters and every ethtool -S counter, as
#     "DEV/name value"
# One awk per namespace: under TCG on a loaded machine every exec counts.
function mib(p, dir,   f, line, n, i, k) {
	f = dir "/snmp"
	while ((getline line < f) > 0) {
		n = split(line, val)
		k = val[1]
		if (k in hdr) {
			split(hdr[k], h)
			for (i = 2; i <= n; i++)
				if (h[i] == "InCsumErrors" || h[i] == "RetransSegs")
					print pre p k h[i], val[i]
			delete hdr[k]
		} else {
			hdr[k] = line
		}
	}
	close(f)
	f = dir "/snmp6"
	while ((getline line < f) > 0) {
		split(line, val)
		if (val[1] ~ /InCsumErrors$/)
			print pre p val[1], val[2]
	}
	close(f)
}
BEGIN {
	mib("", "/proc/net")
	n = split(vms, v, " ")
	for (i = 1; i <= n; i++) {
		split(v[i], np, "=")
		mib(np[1] "/", "/proc/" np[2] "/net")
	}
	nd = split(devs, d, " ")
	ns = split("rx_errors rx_crc_errors rx_frame_errors rx_length_errors rx_fifo_errors tx_errors", st, " ")
	for (i = 1; i <= nd; i++) {
		for (j = 1; j <= ns; j++) {
			f = "/sys/class/net/" d[i] "/statistics/" st[j]
			if ((getline x < f) > 0)
				print pre d[i] "/" st[j], x
			close(f)
		}
		cmd = "ethtool -S " d[i] " 2>/dev/null"
		while ((cmd | getline line) > 0) {
			if (split(line, w) == 2 && w[1] ~ /:$/) {
				sub(/:$/, "", w[1])
				print pre d[i] "/" w[1], w[2]
			}
		}
		close(cmd)
	}
}
