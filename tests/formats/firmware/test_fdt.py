#!/usr/bin/env python3
"""test_fdt.py XRUN VETTER - the dtb and fit handlers against dtc, mkimage and dumpimage.

DTBs are compiled by dtc from a source holding the awkward cases (string lists, empty
properties, odd byte strings, quotes and backslashes, deep nesting, memory
reservations, thousands of nodes), plus the real DTBs of Debian's armhf kernel package.
vetter's rendering NAME.dts is compiled back by dtc and must decompile (dtc -O dts) to
exactly what the original DTB decompiles to. FIT images are made by mkimage -f (embedded,
external data-offset and data-position, signed); expected images are the files the .its
includes, and dumpimage's extraction."""
import glob
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fwtest as t  # noqa: E402

TRICKY_DTS = r"""/dts-v1/;
/memreserve/ 0x10000000 0x4000;
/memreserve/ 0x8000000000 0x100000;
/ {
	model = "ACME AR-1000 \"rev B\" \\ test";
	compatible = "acme,ar1000", "acme,ar", "simple-bus";
	#address-cells = <1>;
	#size-cells = <1>;
	empty-prop;
	bytes-odd = [01 02 03];
	bytes-with-nul = [61 00 62];
	string-with-empty = "a", "", "b";
	cells64 = /bits/ 64 <0x1122334455667788 0x0>;
	mixed = "abc", <0x1234>, [ff];
	non-ascii = [c3 a9 74 c3 a9 00];
	a-very-long-property-name-that-goes-on-and-on-and-on-for-more-than-sixty-four-chars,x = <7>;
	chosen {
		bootargs = "console=ttyS0,115200 root=/dev/mtdblock2 rootfstype=squashfs init=/sbin/init";
		stdout-path = &uart0;
	};
	aliases {
		serial0 = &uart0;
	};
	soc@10000000 {
		compatible = "simple-bus";
		ranges;
		#address-cells = <1>;
		#size-cells = <1>;
		uart0: serial@10001000 {
			compatible = "ns16550a";
			reg = <0x10001000 0x100>;
			interrupts = <0 17 4>;
			clocks = <&clk>;
			status = "okay";
		};
		clk: clock@10002000 {
			compatible = "fixed-clock";
			reg = <0x10002000 0x10>;
			#clock-cells = <0>;
			clock-frequency = <24000000>;
		};
	};
	deep { a { b { c { d { e { f { g { h { leaf = <1>; }; }; }; }; }; }; }; }; };
	%s
};
"""


def many_nodes(n):
    return "\n\t".join(f"node{i}@{i:x} {{ reg = <{i}>; label = \"n{i}\"; }};" for i in range(n))


def dtc_dts(dtb):
    """dtc's own decompilation of a DTB."""
    return t.sh(["dtc", "-q", "-I", "dtb", "-O", "dts", dtb]).decode()


def roundtrip(rendered, name):
    """The DTB dtc compiles from vetter's rendering, decompiled by dtc."""
    src = t.write(t.path("rt", name + ".dts"), rendered)
    out = t.path("rt", name + ".dtb")
    t.sh(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, src])
    return dtc_dts(out)


def nodes_and_props(dts):
    """The set of node paths and property names of dtc -O dts text."""
    seen, stack = set(), []
    for line in dts.splitlines():
        line = line.strip()
        m = re.match(r"^(?:[\w,.+-]+: )?([^\s={;]+) \{$", line)
        if m:
            stack.append(m.group(1))
            seen.add("/".join(stack))
        elif line == "};":
            stack.pop()
        elif stack and (m := re.match(r"^([^\s=;]+)( =|;)", line)):
            seen.add("/".join(stack) + ":" + m.group(1))
    return seen


def compile_dts(text, name):
    t.need("dtc")
    src = t.write(t.path("dtb", name + ".dts.in"), text.encode())
    out = t.path("dtb", name + ".dtb")
    t.sh(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, src])
    return out


def check_dtb(dtb, name):
    res = t.xrun(dtb, "dtb")
    assert res.rc == 0, (dtb, res.diags)
    ch = res.chunk("dtb")
    assert ch["length"] == os.path.getsize(dtb) and not ch["truncated"], ch
    files = res.files()
    assert list(files) == [name + ".dts"], files
    rendered = t.child_bytes(res, name + ".dts")
    ref = dtc_dts(dtb)
    assert roundtrip(rendered, name) == ref, f"{dtb}: rendering does not round-trip"
    assert nodes_and_props(roundtrip(rendered, name)) == nodes_and_props(ref)
    return rendered


def test_tricky_dtb():
    dtb = compile_dts(TRICKY_DTS % "", "tricky")
    text = check_dtb(dtb, "tricky").decode()
    assert 'bootargs = "console=ttyS0,115200 root=/dev/mtdblock2' in text
    assert 'model = "ACME AR-1000 \\"rev B\\" \\\\ test";' in text
    assert "/memreserve/ 0x8000000000 0x100000;" in text
    assert "empty-prop;" in text and "bytes-odd = [01 02 03];" in text


def test_big_dtb():
    dtb = compile_dts(TRICKY_DTS % many_nodes(5000), "big")
    assert os.path.getsize(dtb) > 200_000
    check_dtb(dtb, "big")


def test_unaligned_and_carved():
    dtb = compile_dts(TRICKY_DTS % "", "carved")
    data = t.read(dtb)
    for pad in (1, 3, 13):
        f = t.write(t.path("dtb", f"flash{pad}.bin"), b"\xff" * pad + data + b"\xff" * 100)
        res = t.xrun(f, "dtb")
        ch = res.chunk("dtb")
        assert ch["offset"] == pad and ch["length"] == len(data), ch
        rendered = t.child_bytes(res, f"flash{pad}.dts")
        assert roundtrip(rendered, f"carved{pad}") == dtc_dts(dtb)


def debian_dtbs():
    """The DTBs of Debian's armhf kernel package (fetched through scripts/debfetch)."""
    d = t.path("debian-dtbs", "x")
    d = os.path.dirname(d)
    if not glob.glob(d + "/**/*.dtb", recursive=True):
        meta = t.sh([os.path.join(t.TOP, "scripts", "debfetch"), "linux-image-armmp:armhf"])
        dep = t.sh(["dpkg-deb", "-f", meta.decode().strip(), "Depends"]).decode()
        pkg = re.search(r"(linux-image-[^\s,(]+-armmp)\b", dep).group(1)
        deb = t.sh([os.path.join(t.TOP, "scripts", "debfetch"), pkg + ":armhf"]).decode().strip()
        tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", deb], stdout=subprocess.PIPE)
        t.sh(["tar", "-x", "-C", d, "--wildcards", "./usr/lib/linux-image-*/*.dtb"],
             stdin=tar.stdout)
        tar.wait()
    return sorted(glob.glob(d + "/**/*.dtb", recursive=True))


def test_debian_dtbs():
    dtbs = debian_dtbs()
    assert len(dtbs) > 100, len(dtbs)
    for dtb in dtbs[::3]:
        check_dtb(dtb, os.path.basename(dtb)[:-4])


def test_dtb_hostile():
    dtb = compile_dts(TRICKY_DTS % many_nodes(50), "hostile")
    data = t.read(dtb)

    def prefix_ok(res, cut):
        if cut < 40:
            assert not res.chunks, (cut, res.chunks)
            return
        if res.chunks:
            assert res.chunk("dtb")["truncated"] and res.has_diag("truncated"), (cut, res.diags)
            text = t.child_bytes(res, "hostile.dts").decode()  # name hint: "hostile.cutN"
            assert text.startswith("/dts-v1/;"), text[:100]
            if cut > len(data) // 2:  # the first nodes were all there (their property
                # names are in the strings block, last in the DTB: gone)
                assert '"console=ttyS0,115200 root=/dev/mtdblock2' in text, cut
                assert "node0@0 {" in text, cut
    runs = t.check_hostile(dtb, "dtb", "hostile", prefix_ok, flips_seeds=range(40),
                           header_len=40, points=[8, 39, 40, 41, 100, 200])
    assert runs > 50


# ---- FIT ----

ITS = """/dts-v1/;
/ {
	description = "ACME AR-1000 firmware";
	timestamp = <1709251200>;
	#address-cells = <1>;
	images {
		kernel-1 {
			description = "Linux kernel";
			data = /incbin/("kernel.gz");
			type = "kernel";
			arch = "arm";
			os = "linux";
			compression = "gzip";
			load = <0x80008000>;
			entry = <0x80008000>;
			hash-1 { algo = "crc32"; };
			hash-2 { algo = "sha1"; };
			hash-3 { algo = "sha256"; };
		};
		fdt-1 {
			description = "board";
			data = /incbin/("board.dtb");
			type = "flat_dt";
			arch = "arm";
			compression = "none";
			hash-1 { algo = "sha256"; };
		};
		ramdisk-1 {
			description = "initramfs";
			data = /incbin/("initrd.zst");
			type = "ramdisk";
			arch = "arm";
			os = "linux";
			compression = "zstd";
			hash-1 { algo = "md5"; };
		};
	};
	configurations {
		default = "conf-1";
		conf-1 {
			kernel = "kernel-1";
			fdt = "fdt-1";
			ramdisk = "ramdisk-1";
			%s
		};
	};
};
"""
KERNEL = t.sample_payload(11, 200_000)
INITRD = t.sample_payload(12, 50_000)
FIT_FILES = {}
_fits = {}


def fit(variant):
    """Builds a FIT: 'embedded', 'external' (-E), 'position' (-E -p), 'signed'."""
    if variant in _fits:
        return _fits[variant]
    t.need("mkimage", "dtc", "gzip", "zstd", "openssl")
    d = os.path.dirname(t.path("fit", variant, "x"))
    FIT_FILES["kernel-1.gz"] = subprocess.run(["gzip", "-9nc"], input=KERNEL,
                                              capture_output=True, check=True).stdout
    FIT_FILES["ramdisk-1.zst"] = subprocess.run(["zstd", "-19c"], input=INITRD,
                                                capture_output=True, check=True).stdout
    FIT_FILES["fdt-1"] = t.read(compile_dts(TRICKY_DTS % "", "fit-board"))
    t.write(os.path.join(d, "kernel.gz"), FIT_FILES["kernel-1.gz"])
    t.write(os.path.join(d, "initrd.zst"), FIT_FILES["ramdisk-1.zst"])
    t.write(os.path.join(d, "board.dtb"), FIT_FILES["fdt-1"])
    sig = ""
    args = []
    if variant == "signed":
        keys = os.path.join(d, "keys")
        os.makedirs(keys, exist_ok=True)
        t.sh(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
              "-out", os.path.join(keys, "dev.key")])
        t.sh(["openssl", "req", "-batch", "-new", "-x509", "-days", "1", "-subj", "/CN=dev",
              "-key", os.path.join(keys, "dev.key"), "-out", os.path.join(keys, "dev.crt")])
        sig = ('signature-1 { algo = "sha256,rsa2048"; key-name-hint = "dev"; '
               'sign-images = "kernel", "fdt", "ramdisk"; };')
        args = ["-k", keys]
    elif variant == "external":
        args = ["-E"]
    elif variant == "position":
        args = ["-E", "-p", "0x4000"]
    its = t.write(os.path.join(d, "image.its"), (ITS % sig).encode())
    out = os.path.join(d, "image.itb")
    t.sh(["mkimage", "-f", its] + args + [out], cwd=d)
    _fits[variant] = out
    return out


def check_fit(img):
    res = t.xrun(img, "fit")
    assert res.rc == 0, res.diags
    ch = res.chunk("fit")
    assert ch["offset"] == 0 and ch["length"] == os.path.getsize(img), ch
    files = res.files()
    assert sorted(files) == sorted(list(FIT_FILES) + ["image.its"]), files
    for i, name in enumerate(["kernel-1.gz", "fdt-1", "ramdisk-1.zst"]):
        ref = t.path("dump", os.path.basename(os.path.dirname(img)) + str(i))
        t.sh(["dumpimage", "-T", "flat_dt", "-p", str(i), "-o", ref, img])
        assert files[name]["sha256"] == t.sha(FIT_FILES[name]) == t.sha(t.read(ref)), name
    assert not res.has_diag("mismatch"), res.diags
    its = t.child_bytes(res, "image.its").decode()
    assert 'description = "ACME AR-1000 firmware";' in its and "kernel-1 {" in its, its[:500]
    return res


def test_fit_embedded():
    res = check_fit(fit("embedded"))
    assert res.chunk("fit")["variant"] == "fit"
    assert res.has_diag("fit is not signed", "info"), res.diags


def test_fit_external_data():
    res = check_fit(fit("external"))
    assert res.chunk("fit")["variant"] == "fit external data"
    assert t.sha(t.read(fit("external"))[:4]) == t.sha(b"\xd0\x0d\xfe\xed")


def test_fit_data_position():
    res = check_fit(fit("position"))
    assert res.chunk("fit")["variant"] == "fit external data"


def test_fit_signed():
    res = check_fit(fit("signed"))
    assert res.has_diag("fit carries 1 signature node", "info"), res.diags


def test_fit_carved_unaligned():
    for variant in ("embedded", "external"):
        data = t.read(fit(variant))
        f = t.write(t.path("fit", f"carved-{variant}.bin"), b"\x00" * 5 + data + b"\xff" * 4096)
        res = t.xrun(f, "fit")
        ch = res.chunk("fit")
        assert ch["offset"] == 5 and ch["length"] == len(data), (variant, ch)
        for name, content in FIT_FILES.items():
            assert res.files()[name]["sha256"] == t.sha(content), (variant, name)


def test_fit_hash_mismatch():
    data = bytearray(t.read(fit("embedded")))
    at = bytes(data).find(FIT_FILES["kernel-1.gz"][100:132])
    data[at] ^= 0x01
    res = t.xrun(t.write(t.path("fit", "badhash.itb"), bytes(data)), "fit")
    for algo in ("crc32", "sha1", "sha256"):
        assert res.has_diag(f"{algo} hash mismatch for image 'kernel-1'", "warning"), res.diags
    assert not res.has_diag("image 'fdt-1'") and not res.has_diag("image 'ramdisk-1'")
    assert res.files()["fdt-1"]["sha256"] == t.sha(FIT_FILES["fdt-1"])


def test_fit_truncated():
    for variant in ("embedded", "external"):
        img = fit(variant)
        data = t.read(img)
        ramdisk_at = data.find(FIT_FILES["ramdisk-1.zst"][:64])
        assert ramdisk_at > 0
        cut = ramdisk_at + 1000
        res = t.xrun(t.write(t.path("fit", f"cut-{variant}"), data[:cut]), "fit")
        ch = res.chunk("fit")
        assert ch["truncated"] and ch["length"] == cut, ch
        files = res.files()
        for name in ("kernel-1.gz", "fdt-1"):  # before the cut: whole
            assert files[name]["sha256"] == t.sha(FIT_FILES[name]), (variant, name)
        assert res.has_diag("truncated", "warning"), res.diags
        if variant == "embedded":  # the strings block, last, is gone: names are lost
            assert res.has_diag("property names are lost", "warning"), res.diags
        if variant == "external":  # the tree is whole: the ramdisk's start is emitted
            assert files["ramdisk-1.zst"]["sha256"] == t.sha(FIT_FILES["ramdisk-1.zst"][:1000])


def test_fit_hostile():
    runs = 0
    for variant in ("embedded", "external"):
        runs += t.check_hostile(fit(variant), "fit", f"fit-{variant}", flips_seeds=range(30),
                                header_len=4096, points=[40, 100, 1000])
    assert runs > 60


def test_fit_full_engine():
    """vetter extract: the kernel and ramdisk decompressed, the DTB rendered."""
    out = t.path("engine", "fit")
    r = subprocess.run([t.VETTER, "extract", "-q", "--no-progress", "-o", out, fit("external")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    shas = {t.sha(t.read(os.path.join(d, f))): os.path.join(d, f)
            for d, _s, fs in os.walk(out) for f in fs}
    assert t.sha(KERNEL) in shas and t.sha(INITRD) in shas, sorted(shas.values())
    assert any(p.endswith("fdt-1.dts") for p in shas.values()), sorted(shas.values())


if __name__ == "__main__":
    t.main(globals())
