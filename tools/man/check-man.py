#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-man.py IP PLUGIN_DIR DOC_DIR KIND...

For each KIND (ovl-vxlan, ovl-gre): the options that `ip link help KIND`
prints (the plugin's print_help, loaded from PLUGIN_DIR through IP_LIB_DIR)
must be exactly the options the man page DOC_DIR/man/KIND.8.rst lists in
OPTIONS (the terms' ``literal`` words, "[no]x" meaning x and nox), its
SYNOPSIS must name each (as **strong**), every
option's description must open with "Default: ....  Live: yes|no.", and
DOC_DIR/KIND.rst must include the same option fragments as the man page,
so that the documentation, the man page and ip cannot disagree.
Prints one TAP line per check.  Offline: needs no module, no root.
"""
import os
import re
import subprocess
import sys

from docutils import nodes
from docutils.core import publish_doctree


def help_options(ip, plugin_dir, kind):
    env = dict(os.environ, IP_LIB_DIR=plugin_dir)
    p = subprocess.run([ip, "link", "help", kind], env=env,
                       capture_output=True, text=True)
    text = p.stdout + p.stderr
    usage, _, where = text.partition("\n\n")
    m = re.match(r"Usage: \.\.\. (\S+) (\S+)", usage)
    if not m or m.group(1) != kind:
        raise SystemExit(f"unexpected `ip link help {kind}` output:\n{text}")
    opts = {m.group(2)}
    usage = usage[m.end():].replace("[no]", "\0")
    sq = br = 0
    expect = False
    for tok in re.findall(r"[\[\]{}|]|[^\s\[\]{}|]+", usage):
        if tok == "[":
            sq += 1
            expect = True
        elif tok == "]":
            sq -= 1
        elif tok == "{":
            br += 1
        elif tok == "}":
            br -= 1
        elif tok == "|":
            expect = br == 0
        elif expect and br == 0 and sq > 0:
            if tok.startswith("\0"):
                opts |= {tok[1:], "no" + tok[1:]}
            else:
                opts.add(tok)
            expect = False
    opts |= set(re.findall(r'"(\w[\w-]*) \S+" is a synonym', where))
    return opts


def man_options(rst_path):
    with open(rst_path) as f:
        src = f.read()
    doc = publish_doctree(src, source_path=rst_path, settings_overrides={
        "report_level": 2, "halt_level": 2})
    sect = [s for s in doc.findall(nodes.section)
            if s[0].astext() == "OPTIONS"]
    if len(sect) != 1:
        raise SystemExit(f"{rst_path}: no OPTIONS section")
    opts, bad = set(), []
    for item in sect[0].findall(nodes.definition_list_item):
        term = item.next_node(nodes.term)
        words = [n.astext() for n in term.findall(nodes.literal)]
        for w in words:
            if w.startswith("[no]"):
                opts |= {w[4:], "no" + w[4:]}
            else:
                opts.add(w)
        defn = item.next_node(nodes.definition)
        first = defn.next_node(nodes.paragraph).astext() if defn else ""
        if not re.fullmatch(r"Default: .+\.  ?Live: (yes|no)\.", first):
            bad.append(f"{term.astext()}: {first!r}")
    return opts, bad


def synopsis_words(rst_path):
    """The **strong** words of the SYNOPSIS section."""
    with open(rst_path) as f:
        doc = publish_doctree(f.read(), source_path=rst_path,
                              settings_overrides={"report_level": 5})
    sect = [s for s in doc.findall(nodes.section)
            if s[0].astext() == "SYNOPSIS"]
    return {w for s in sect for n in s.findall(nodes.strong)
            for w in n.astext().split()}


def includes(path):
    with open(path) as f:
        return sorted(os.path.basename(m) for m in
                      re.findall(r"^\.\. include:: (\S+)$", f.read(), re.M))


def main():
    ip, plugin_dir, doc_dir, kinds = (sys.argv[1], sys.argv[2], sys.argv[3],
                                      sys.argv[4:])
    n = failed = 0

    def tap(ok, what, why=""):
        nonlocal n, failed
        n += 1
        failed += not ok
        print(f"{'ok' if ok else 'not ok'} {n} - {what}"
              + ("" if ok else f" # {why}"))

    for kind in kinds:
        man = os.path.join(doc_dir, "man", kind + ".8.rst")
        h = help_options(ip, plugin_dir, kind)
        m, bad = man_options(man)
        tap(h == m, f"{kind}: ip link help and {kind}(8) list the same "
            f"{len(h)} options",
            f"only in ip help: {sorted(h - m)}; only in the man page: "
            f"{sorted(m - h)}")
        tap(not bad, f"{kind}(8): every option states its default and "
            "whether it changes live", "; ".join(bad))
        base = {o for o in h if not (o.startswith("no") and o[2:] in h)}
        syn = synopsis_words(man)
        tap(base <= syn, f"{kind}(8): the SYNOPSIS names every option",
            f"missing: {sorted(base - syn)}")
        doc = os.path.join(doc_dir, kind + ".rst")
        mi = [i for i in includes(man) if i.endswith("options.rsti")]
        di = [i for i in includes(doc) if i.endswith("options.rsti")]
        tap(mi and set(mi) <= set(di), f"{kind}: Documentation/{kind}.rst "
            f"includes the man page's option lists {mi}", f"it has {di}")
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
