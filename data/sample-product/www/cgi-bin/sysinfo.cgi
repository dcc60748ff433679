#!/bin/sh
# sysinfo.cgi - device identity as JSON (read-only, takes no input)

. /etc/acme/device.conf

json() {
	# JSON string body: escape backslashes and double quotes.
	printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

uptime_s=$(cut -d. -f1 /proc/uptime 2>/dev/null)
kernel=$(uname -r)

printf 'Content-Type: application/json\r\n'
printf 'Cache-Control: no-store\r\n\r\n'
printf '{"vendor":"%s","model":"%s","hw_revision":"%s","firmware":"%s","kernel":"%s","uptime":%d}\n' \
	"$(json "$VENDOR")" "$(json "$MODEL")" "$(json "$HW_REVISION")" \
	"$(json "$FW_VERSION")" "$(json "$kernel")" "${uptime_s:-0}"
