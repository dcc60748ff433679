#!/usr/bin/env python3
"""test_components.py VETTER - component identification through `vetter scan`.

Fixtures are real: the sample firmware (scripts/make-sample-firmware), Debian packages
(scripts/debfetch, cached), programs compiled here with the system's compiler and static
zlib, and package databases written from the formats' documentation or assembled from the
.deb files' own control data, as dpkg writes its status file. Expected products and
versions come from those packages (dpkg-deb -f Version, expected-components.tsv written by
make-sample-product), never from vetter. The catalogue is tests/catalog/fixtures (a few
entries written for these tests), except for the ground-truth subset, which uses the
shipped catalogue when it has the products and the fixtures otherwise."""
import atexit
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from harness import CACHE, expected_rows, main, run, sample_firmware, tsv_rows  # noqa: E402

VETTER = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
FIX = os.path.join(HERE, "fixtures")
TMP = tempfile.mkdtemp(prefix="vetter-components-")


def upstream(v):
    """Debian version -> upstream version, as ../shared/tools/debian-ground-truth does."""
    v = v.split(":", 1)[1] if re.match(r"^\d+:", v) else v
    if "-" in v:
        v = v.rsplit("-", 1)[0]
    for cut in ("+dfsg", ".dfsg", "+ds", "~", "+really"):
        v = v.split(cut, 1)[0]
    return v


def scan(path, data=FIX, *extra):
    out = os.path.join(TMP, "report-%d.json" % len(os.listdir(TMP)))
    r = run([VETTER, "scan", "--no-progress", "-q", "--data", data, "-o", out, *extra, path])
    assert r.returncode == 0, r.stderr[-3000:]
    with open(out) as f:
        rep = json.load(f)
    return rep


def pairs(rep):
    return {(c["product"], c["version"]) for c in rep["components"]}


def debfetch(spec):
    r = run([os.path.join(TOP, "scripts", "debfetch"), spec])
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout.strip().splitlines()[-1]


def deb_field(deb, field):
    return subprocess.run(["dpkg-deb", "-f", deb, field], capture_output=True, text=True,
                          check=True).stdout.strip()


def fixture_packages():
    """package -> product of the fixture catalogue (its `packages:` lists)."""
    import yaml
    res = {}
    for p in glob.glob(os.path.join(FIX, "catalog", "*.yaml")):
        with open(p) as f:
            d = yaml.safe_load(f)
        for pkg in d.get("packages", []):
            res[pkg] = d["product"]
    return res


def kernel_version():
    """The upstream version of the kernel package make-sample-firmware packs."""
    meta = debfetch("linux-image-armmp:armhf")
    deps = deb_field(meta, "Depends")
    kpkg = next(d.strip().split()[0] for d in deps.split(",")
                if re.match(r"^\s*linux-image-.*-armmp", d))
    return upstream(deb_field(debfetch(kpkg + ":armhf"), "Version"))


def test_sample_firmware():
    out, image = sample_firmware()
    rows = expected_rows(out)
    want = {p: v for p, v, _pkg, _dv in rows}
    rep = scan(image)
    found = pairs(rep)
    for product in ("busybox", "dropbear", "lighttpd", "dnsmasq", "openssl", "glibc"):
        assert (product, want[product]) in found, (product, want[product], sorted(found))
    kv = kernel_version()
    assert ("linux_kernel", kv) in found, (kv, sorted(found))
    # everything found is in the firmware (the fixture catalogue knows only these)
    allowed = {(p, v) for p, v, _a, _b in rows} | {("linux_kernel", kv)}
    assert found <= allowed, sorted(found - allowed)
    # one component per product and version: no duplicates
    assert len(found) == len(rep["components"]), rep["components"]
    by = {(c["product"], c["version"]): c for c in rep["components"]}
    # dependencies: dropbear's DT_NEEDED (readelf) names libc.so.6 and libz.so.1
    needed = subprocess.run(["readelf", "-d", os.path.join(out, "rootfs/usr/sbin/dropbear")],
                            capture_output=True, text=True, check=True).stdout
    drop = by[("dropbear", want["dropbear"])]
    deps = {rep["components"][i]["product"] for i in drop["depends"]}
    if "[libc.so.6]" in needed:
        assert "glibc" in deps, deps
    if "[libz.so.1]" in needed:
        assert "zlib" in deps, deps
    # evidence: every BusyBox occurrence points at a file and the string has the version
    bb = by[("busybox", want["busybox"])]
    strings = [e for e in bb["evidence"] if e["kind"] == "string"]
    assert strings and all(want["busybox"] in e["excerpt"] for e in strings), bb
    assert bb["cpe"] == "cpe:2.3:a:busybox:busybox:%s:*:*:*:*:*:*:*" % want["busybox"]
    assert bb["purl"] == "pkg:generic/busybox@%s" % want["busybox"]
    kern = by[("linux_kernel", kv)]
    assert kern["part"] == "o" and kern["evidence"][0]["kind"] == "banner", kern
    # with the analyzers off there are no components
    assert scan(image, FIX, "--no-analyzers")["components"] == []


def test_dpkg_status():
    """A dpkg status assembled from the sample product's .deb control data."""
    out, _image = sample_firmware()
    rows = expected_rows(out)
    root = os.path.join(TMP, "dpkg-root")
    os.makedirs(os.path.join(root, "var/lib/dpkg"))
    paras = []
    for _product, _v, pkg, debver in rows:
        debs = [d for d in glob.glob(os.path.join(CACHE, "debs", pkg + "_*_armhf.deb"))
                if deb_field(d, "Version") == debver]
        if not debs:
            debs = [debfetch(f"{pkg}:armhf")]
        control = subprocess.run(["dpkg-deb", "-f", debs[0]], capture_output=True, text=True,
                                 check=True).stdout.rstrip("\n").split("\n")
        # dpkg writes Status right after Package
        control.insert(1, "Status: install ok installed")
        paras.append("\n".join(control) + "\n")
    # a removed package that left its configuration files: not installed
    paras.append("Package: oldpkg\nStatus: deinstall ok config-files\nVersion: 9.9-1\n")
    with open(os.path.join(root, "var/lib/dpkg/status"), "w") as f:
        f.write("\n".join(paras))
    rep = scan(root)
    comps = {(c["product"], c["version"]): c for c in rep["components"]}
    known = fixture_packages()
    for product, version, pkg, debver in rows:
        if pkg in known:
            c = comps.get((known[pkg], version))
            assert c and c["in_catalogue"], (pkg, version, sorted(comps))
        else:
            c = comps.get((pkg, version))
            assert c and not c["in_catalogue"], (pkg, version, sorted(comps))
            enc = re.sub(r"[^A-Za-z0-9._~-]", lambda m: "%%%02X" % ord(m.group()), debver)
            assert c["purl"] == f"pkg:deb/{pkg}@{enc}", c["purl"]
        ev = [e for e in c["evidence"] if e["kind"] == "package"]
        assert any(e["raw_version"] == debver for e in ev), c
    assert not any(c["product"] == "oldpkg" for c in rep["components"])
    # hostile variants of the status file: truncated and corrupted copies never crash
    data = open(os.path.join(root, "var/lib/dpkg/status"), "rb").read()
    for i, cut in enumerate((1, 100, len(data) // 2, len(data) - 1)):
        with open(os.path.join(root, "var/lib/dpkg/status"), "wb") as f:
            f.write(data[:cut] + (b"\0\xff" * i))
        scan(root)


def test_opkg_apk():
    """opkg status and info/*.control (OpenWrt) and apk's installed database, written from
    the formats' documentation; expectations are the text itself."""
    root = os.path.join(TMP, "opkg-root")
    os.makedirs(os.path.join(root, "usr/lib/opkg/info"))
    with open(os.path.join(root, "usr/lib/opkg/status"), "w") as f:
        f.write("Package: busybox\nVersion: 1.36.1-1\nDepends: libc\n"
                "Status: install user installed\nArchitecture: mips_24kc\n"
                "Installed-Time: 1700000000\n\n"
                "Package: dnsmasq\nVersion: 2.89-4\nStatus: install user installed\n\n"
                "Package: gone\nVersion: 1.0-1\nStatus: deinstall user not-installed\n")
    with open(os.path.join(root, "usr/lib/opkg/info/dropbear.control"), "w") as f:
        f.write("Package: dropbear\nVersion: 2022.82-6\nDepends: libc\n"
                "Architecture: mips_24kc\nDescription: A small SSH server\n")
    apk = os.path.join(TMP, "apk-root")
    os.makedirs(os.path.join(apk, "lib/apk/db"))
    with open(os.path.join(apk, "lib/apk/db/installed"), "w") as f:
        f.write("C:Q1SJzPVT1l3ieqm+bQX+Bz1sWSQ4s=\nP:busybox\nV:1.36.1-r15\nA:x86_64\n"
                "S:509386\nI:958464\nT:Size optimized toolkit\no:busybox\n\n"
                "C:Q1xyz=\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\no:openssl\n\n"
                "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n")
    rep = scan(root)
    assert pairs(rep) == {("busybox", "1.36.1"), ("dnsmasq", "2.89"), ("dropbear", "2022.82")}, \
        pairs(rep)
    rep = scan(apk)
    found = {(c["product"], c["version"], c["in_catalogue"], c.get("purl")) for c in rep["components"]}
    assert found == {("busybox", "1.36.1", True, "pkg:generic/busybox@1.36.1"),
                     ("openssl", "3.1.4", True, "pkg:generic/openssl@3.1.4"),
                     ("musl", "1.2.4", False, "pkg:apk/musl@1.2.4-r2")}, found


def cc(src, out, *args):
    c = os.path.join(TMP, os.path.basename(out) + ".c")
    with open(c, "w") as f:
        f.write(src)
    r = subprocess.run(["cc", "-O1", "-o", out, c, *args], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def exported(path):
    """Names of the defined GLOBAL/WEAK, DEFAULT/PROTECTED symbols readelf lists."""
    out = subprocess.run(["readelf", "-sW", path], capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        f = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(f) >= 8 and f[0].endswith(":") and f[4] in ("GLOBAL", "WEAK") and \
                f[5] in ("DEFAULT", "PROTECTED") and f[6] != "UND":
            names.add(f[7].split("@")[0])
    return names


def test_dynamic_zlib_symbols():
    """A program that links zlib dynamically imports its API (no symbol hint); Debian's
    libz exports it (a hint on the library, supporting the component its version names)."""
    root = os.path.join(TMP, "dyn-root")
    os.makedirs(os.path.join(root, "usr/bin"))
    os.makedirs(os.path.join(root, "usr/lib"))
    exe = os.path.join(root, "usr/bin/zuser")
    cc('#include <zlib.h>\n'
       'int main(int argc, char **argv) { unsigned char out[256]; uLongf n = sizeof(out);\n'
       ' return compress2(out, &n, (const Bytef *)argv[0], 8, 9) + argc; }\n', exe, "-lz")
    lib = os.path.realpath(subprocess.run(["cc", "-print-file-name=libz.so"],
                                          capture_output=True, text=True).stdout.strip())
    shutil.copy(lib, os.path.join(root, "usr/lib", os.path.basename(lib)))
    want = exported(lib) & {"deflateInit2_", "inflateInit2_", "compress2"}
    assert want and not exported(exe) & {"compress2"}
    rep = scan(root)
    zv = upstream(subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "zlib1g-dev"],
                                 capture_output=True, text=True, check=True).stdout)
    z = [c for c in rep["components"] if c["product"] == "zlib"]
    assert len(z) == 1 and z[0]["version"] == zv, z
    sym = [e for e in z[0]["evidence"] if e["kind"] == "symbol"]
    assert len(sym) == 1 and sym[0]["excerpt"] in want, sym
    assert sym[0]["path"].endswith("/usr/lib/" + os.path.basename(lib)), sym


def test_static_zlib_is_contained():
    """A program linked statically with Debian's zlib: zlib is reported inside it."""
    data = os.path.join(TMP, "data-static")
    shutil.copytree(FIX, data)
    with open(os.path.join(data, "catalog", "acmetool.yaml"), "w") as f:
        f.write("product: acmetool\nname: ACME tool\ncpe: [acme:acmetool]\n"
                "files: [acmetool]\nversions:\n  - re: 'acmetool version ([0-9.]+)'\n")
    root = os.path.join(TMP, "static-root")
    os.makedirs(os.path.join(root, "usr/bin"))
    exe = os.path.join(root, "usr/bin/acmetool")
    cc('#include <stdio.h>\n#include <zlib.h>\n'
       'int main(int argc, char **argv) { unsigned char out[256]; uLongf n = sizeof(out);\n'
       ' printf("acmetool version 4.2\\n");\n'
       ' return compress2(out, &n, (const Bytef *)argv[0], 8, 9) + argc; }\n',
       exe, "-static", "-lz")
    zv = upstream(subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "zlib1g-dev"],
                                 capture_output=True, text=True, check=True).stdout)
    rep = scan(root, data)
    comps = {(c["product"], c["version"]): c for c in rep["components"]}
    assert ("acmetool", "4.2") in comps, sorted(comps)
    z = comps.get(("zlib", zv))
    assert z, (zv, sorted(comps))
    assert z["contained_in"].endswith("/usr/bin/acmetool"), z
    assert "contained_in" not in comps[("acmetool", "4.2")]
    # symbol hints: the zlib API the unstripped program defines, as readelf lists it
    want = exported(exe) & {"deflateInit2_", "inflateInit2_", "compress2"}
    assert want, "the static program defines none of zlib's hinted symbols"
    got = {e["excerpt"] for e in z["evidence"] if e["kind"] == "symbol"}
    assert len(got) == 1 and got <= want, (got, want)
    assert not [e for c in rep["components"] if c["product"] != "zlib"
                for e in c["evidence"] if e["kind"] == "symbol"], rep["components"]
    # stripped, the program has no symbols left: the version string alone still tells
    stripped = exe + ".stripped"
    subprocess.run(["strip", "-o", stripped, exe], check=True)
    assert not exported(stripped)
    os.rename(stripped, exe)
    rep = scan(root, data)
    z = [c for c in rep["components"] if c["product"] == "zlib"]
    assert z and z[0]["contained_in"].endswith("/usr/bin/acmetool"), z
    assert not [e for e in z[0]["evidence"] if e["kind"] == "symbol"], z
    # the same program without its file-name hint: nothing tells whose file it is
    os.rename(exe, os.path.join(root, "usr/bin/other"))
    rep = scan(root, data)
    z = [c for c in rep["components"] if c["product"] == "zlib"]
    assert z and "contained_in" not in z[0], z


def test_false_positives():
    """A program that quotes other products and carries a compiler banner: no component."""
    exe = os.path.join(TMP, "fp-prog")
    cc('#include <stdio.h>\n'
       'const char *s[] = {"compatible with OpenSSL 1.1.1", "requires OpenSSL 3.0 or later",\n'
       ' "version 1.2.3", "v2.0.1", "1.35.0", "built with zlib 1.2.13",\n'
       ' "This build is compatible with OpenSSL 3.0.2 15 Mar 2022", "the BusyBox vi applet"};\n'
       'int main(int argc, char **argv) { (void)argv; puts(s[argc & 7]); return 0; }\n', exe)
    comment = subprocess.run(["readelf", "-p", ".comment", exe], capture_output=True,
                             text=True).stdout
    assert "GCC: (" in comment, comment  # the banner is really there
    rep = scan(exe)
    assert rep["components"] == [], rep["components"]


def gt_data_dir():
    """The shipped data directory when its catalogue has the subset's products."""
    shipped = os.path.join(TOP, "data")
    products = {row[2] for row in tsv_rows(os.path.join(HERE, "ground-truth-subset.tsv"), 3)}
    if all(os.path.exists(os.path.join(shipped, "catalog", p + ".yaml")) for p in products):
        return shipped
    return FIX


def test_ground_truth_subset():
    data = gt_data_dir()
    print("catalogue:", data)
    misses = []
    for pkg, arch, product in tsv_rows(os.path.join(HERE, "ground-truth-subset.tsv"), 3):
        deb = debfetch(f"{pkg}:{arch}")
        version = upstream(deb_field(deb, "Version"))
        d = os.path.join(TMP, "gt", f"{pkg}_{arch}")
        os.makedirs(d)
        subprocess.run(["dpkg-deb", "-x", deb, d], check=True)
        rep = scan(d, data)
        found = pairs(rep)
        # recall and precision: the package's product, and nothing else (these packages
        # hold no other product)
        ok = found == {(product, version)}
        print(f"  {pkg}:{arch}: want {product} {version}: {'ok' if ok else 'WRONG'}; "
              f"found {sorted(found)}")
        if not ok:
            misses.append((pkg, arch, product, version, sorted(found)))
    assert not misses, misses


atexit.register(shutil.rmtree, TMP, True)
main(globals())
