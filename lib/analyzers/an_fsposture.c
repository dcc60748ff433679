/* an_fsposture.c - filesystem posture: setuid/setgid files (a setuid shell is a root
 * backdoor), world-writable files and directories without the sticky bit, device nodes
 * outside /dev, and files whose content contradicts their name (an ELF binary named
 * .txt or .jpg, a script named .so).
 *
 * Modes, owners and node types come from the object tree (the unpacker records what
 * the image says, never what the host made of it). Object phase: setuid/setgid and
 * name/content checks on regular files (the first bytes and a bounded search for
 * BusyBox's banner). Tree phase: permissions of every object and device nodes.
 */
#include "core/internal.h"

#include "analyzers/an_common.h"
#include "analyzers/analyzer.h"
#include "review/review_int.h"

static const struct vt_rule r_suid = {
	"VT-FS-001",
	"filesystem",
	VT_LEVEL_MEDIUM,
	"Setuid or setgid file",
	"CWE-250",
	"A file is setuid (or setgid): it runs with its owner's (group's) privileges whoever "
	"starts it. A setuid-root shell, BusyBox or interpreter is a root backdoor for any "
	"local user (high); well-known setuid programs (passwd, su, mount, ...) are low; "
	"other setuid-root files are medium.",
	"Remove the setuid/setgid bit unless the program needs it and is designed for it; "
	"never make shells, BusyBox or interpreters setuid."};
static const struct vt_rule r_wwfile = {
	"VT-FS-002",
	"filesystem",
	VT_LEVEL_MEDIUM,
	"World-writable file",
	"CWE-732",
	"A file in the image is writable by every user: any local process (or a service "
	"running as nobody) can change it, and scripts or configuration read by root become "
	"a privilege escalation.",
	"Give files mode 0644 (or stricter) and the right owner."};
static const struct vt_rule r_wwdir = {
	"VT-FS-003",
	"filesystem",
	VT_LEVEL_MEDIUM,
	"World-writable directory without sticky bit",
	"CWE-732",
	"A directory is writable by every user and lacks the sticky bit: any user can delete "
	"or replace files of other users (and of root) in it.",
	"Use mode 0755, or 1777 (sticky) for shared temporary directories."};
static const struct vt_rule r_dev = {
	"VT-FS-004",
	"filesystem",
	VT_LEVEL_LOW,
	"Device node outside /dev",
	"CWE-912",
	"A character or block device node lies outside /dev: an unusual place that can hide "
	"access to hardware or memory (medium for /dev/mem and /dev/kmem style nodes).",
	"Create device nodes in /dev only (devtmpfs/mdev), with restrictive modes."};
static const struct vt_rule r_mismatch = {
	"VT-FS-005",
	"filesystem",
	VT_LEVEL_MEDIUM,
	"File content contradicts its name",
	"CWE-912",
	"A file's content is not what its name says: an ELF executable named like an image or "
	"a text file, a script named like a shared library. A way to hide a program from a "
	"casual look at the filesystem.",
	"Name files for what they are; remove hidden programs."};

static const struct vt_rule *const rules[] = {&r_suid, &r_wwfile,   &r_wwdir,
					      &r_dev,  &r_mismatch, NULL};

static const char *ext_of(const char *base)
{
	const char *d = strrchr(base, '.');
	return d && d != base && d[1] ? d + 1 : NULL;
}

static bool in_list(const char *s, const char *const *l, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (!strcasecmp(s, l[i]))
			return true;
	return false;
}

static bool fs_wants(const struct vt_object *o, struct vt_span s)
{
	if (o->mode & 06000)
		return true;
	const char *e = ext_of(vti_basename(o));
	return e != NULL;
}

static void fs_object(struct vti_actx *c, struct vt_object *o, struct vt_span s)
{
	const char *b = vti_basename(o);
	bool elf = s.len >= 4 && vt_span_eq(s, 0, "\177ELF", 4);
	bool script = s.len >= 3 && vt_span_eq(s, 0, "#!", 2);
	if (o->mode & 06000) {
		static const char *const shells[] = {
			"sh",	"bash", "dash",	   "ash",    "zsh",	"ksh",	"mksh",
			"csh",	"tcsh", "busybox", "python", "python3", "perl", "lua",
			"vi",	"vim",	"find",	   "env",    "awk",	"gawk", "nmap",
			"less", "more", "tclsh",   "ruby",   "php",	"node", "expect"};
		static const char *const known[] = {"passwd",
						    "su",
						    "sudo",
						    "mount",
						    "umount",
						    "ping",
						    "ping6",
						    "chsh",
						    "chfn",
						    "newgrp",
						    "gpasswd",
						    "pkexec",
						    "fusermount",
						    "fusermount3",
						    "ssh-keysign",
						    "dbus-daemon-launch-helper",
						    "Xorg.wrap",
						    "unix_chkpwd",
						    "screen",
						    "crontab",
						    "ssh-agent",
						    "wall",
						    "write",
						    "expiry",
						    "chage",
						    "traceroute6.iputils",
						    "rdisc6",
						    "rltraceroute6",
						    "ntfs-3g",
						    "at",
						    "polkit-agent-helper-1",
						    "chrome-sandbox",
						    "utempter",
						    "mail-lock",
						    "dotlockfile",
						    "pt_chown",
						    "newuidmap",
						    "newgidmap",
						    "doas",
						    "sg",
						    "lppasswd",
						    "mount.nfs",
						    "mount.cifs",
						    "pppd",
						    "vmware-user-suid-wrapper"};
		bool shell = in_list(b, shells, VT_ARRAY_LEN(shells));
		size_t lim = VT_MIN(s.len, (size_t)(8u << 20));
		bool bb = !shell && elf && memmem(s.p, lim, "BusyBox v", 9);
		bool suid = o->mode & 04000;
		enum vt_level lv = VT_LEVEL_MEDIUM;
		if (suid && o->uid == 0 && (shell || bb))
			lv = VT_LEVEL_HIGH;
		else if (in_list(b, known, VT_ARRAY_LEN(known)) || !suid || o->uid != 0 ||
			 (!elf && !script))
			lv = VT_LEVEL_LOW;
		struct vt_finding *f = vti_finding(
			c, o, &r_suid, false, 0, NULL, 0,
			"%s%s%s file %s (mode %04o, owner %u:%u)%s", suid ? "setuid" : "",
			suid && (o->mode & 02000) ? "+" : "", (o->mode & 02000) ? "setgid" : "",
			o->fspath ? o->fspath : o->path, (unsigned)(o->mode & 07777),
			(unsigned)o->uid, (unsigned)o->gid,
			shell ? ": a shell or interpreter"
			: bb  ? ": BusyBox (a shell and every applet)"
			      : "");
		if (f)
			f->severity = lv;
	}
	const char *e = ext_of(b);
	if (!e)
		return;
	static const char *const data_ext[] = {
		"txt", "jpg",  "jpeg", "png",  "gif", "bmp", "ico", "svg", "html", "htm",  "css",
		"js",  "json", "xml",  "conf", "cfg", "ini", "log", "pdf", "mp3",  "wav",  "avi",
		"mp4", "doc",  "csv",  "md",   "dat", "db",  "pem", "crt", "key",  "lang", "po"};
	static const char *const bin_ext[] = {"so",   "ko",  "o",   "a",   "jpg",
					      "jpeg", "png", "gif", "bmp", "ico"};
	bool so_versioned = strstr(b, ".so.") != NULL;
	if (elf && in_list(e, data_ext, VT_ARRAY_LEN(data_ext)))
		vti_finding(c, o, &r_mismatch, true, 0, (const char *)s.p,
			    VT_MIN(s.len, (size_t)16),
			    "'%s' is an ELF file but named like a .%s file", b, e);
	else if (script && !so_versioned && in_list(e, bin_ext, VT_ARRAY_LEN(bin_ext))) {
		size_t n = 0;
		while (n < s.len && n < 80 && s.p[n] != '\n')
			n++;
		vti_finding(c, o, &r_mismatch, true, 0, (const char *)s.p, n,
			    "'%s' is a script but named like a .%s file", b, e);
	}
}

static void fs_tree(struct vti_actx *c)
{
	struct vt_review *r = c->r;
	for (size_t i = 0; i < r->n_objects; i++) {
		struct vt_object *o = r->objects[i];
		if (!o->fspath || o->kind == VT_OBJ_CHUNK || o->kind == VT_OBJ_SYMLINK)
			continue;
		const char *p = o->fspath;
		if (o->kind == VT_OBJ_FILE && (o->mode & 0002))
			vti_finding(c, o, &r_wwfile, false, 0, NULL, 0,
				    "%s is world-writable (mode %04o)", p,
				    (unsigned)(o->mode & 07777));
		else if (o->kind == VT_OBJ_DIR && (o->mode & 0002) && !(o->mode & 01000) &&
			 o->fsroot != o)
			vti_finding(
				c, o, &r_wwdir, false, 0, NULL, 0,
				"directory %s is world-writable without the sticky bit (mode %04o)",
				p, (unsigned)(o->mode & 07777));
		else if ((o->kind == VT_OBJ_CHARDEV || o->kind == VT_OBJ_BLOCKDEV) &&
			 !vti_path_under(p, "/dev") && !vti_path_under(p, "/lib/udev/devices")) {
			struct vt_finding *f =
				vti_finding(c, o, &r_dev, false, 0, NULL, 0,
					    "%s device node %s (%u, %u) outside /dev",
					    o->kind == VT_OBJ_CHARDEV ? "character" : "block", p,
					    o->rdev_major, o->rdev_minor);
			/* 1,1 /dev/mem, 1,2 /dev/kmem, 1,4 /dev/port */
			if (f && o->kind == VT_OBJ_CHARDEV && o->rdev_major == 1 &&
			    (o->rdev_minor == 1 || o->rdev_minor == 2 || o->rdev_minor == 4))
				f->severity = VT_LEVEL_MEDIUM;
		}
	}
}

const struct vti_analyzer vti_an_fsposture = {
	.name = "fsposture",
	.version = 1,
	.description = "setuid files, world-writable paths, device nodes, disguised files",
	.rules = rules,
	.wants = fs_wants,
	.object = fs_object,
	.tree = fs_tree,
};
