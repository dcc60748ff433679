#!/bin/sh
# status.cgi - read-only device status page (takes no input)

. /etc/acme/device.conf

html() {
	# Escape the characters that matter in HTML text.
	printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'
}

row() {
	printf '<tr><th>%s</th><td>%s</td></tr>\n' "$1" "$(html "$2")"
}

uptime_s=$(cut -d. -f1 /proc/uptime 2>/dev/null)
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
mem_total=$(awk '/^MemTotal:/ {print $2 " kB"}' /proc/meminfo 2>/dev/null)
mem_free=$(awk '/^MemAvailable:/ {print $2 " kB"}' /proc/meminfo 2>/dev/null)
wan_ip=$(ifconfig "$WAN_IFACE" 2>/dev/null | sed -n 's/.*inet addr:\([0-9.]*\).*/\1/p')
leases=0
if [ -r /var/lib/misc/dnsmasq.leases ]; then
	leases=$(wc -l </var/lib/misc/dnsmasq.leases)
fi

printf 'Content-Type: text/html; charset=utf-8\r\n'
printf 'Cache-Control: no-store\r\n\r\n'
cat <<HTML
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>AR-1000 - Status</title>
<link rel="stylesheet" href="/css/style.css"></head>
<body>
<header class="bar"><span class="brand">ACME Networks</span><span class="model">AR-1000 Router</span></header>
<main>
<h1>Device status</h1>
<table>
HTML
row "Model" "$VENDOR $MODEL (rev. $HW_REVISION)"
row "Firmware" "$FW_VERSION"
row "Serial number" "$SERIAL"
row "Uptime" "$((${uptime_s:-0} / 86400)) d $((${uptime_s:-0} % 86400 / 3600)) h $((${uptime_s:-0} % 3600 / 60)) min"
row "Load average" "${load:-n/a}"
row "Memory" "${mem_free:-n/a} available of ${mem_total:-n/a}"
row "LAN address" "$LAN_IPADDR"
row "WAN address" "${wan_ip:-not connected}"
row "DHCP leases" "$leases"
cat <<HTML
</table>
<p><a href="/cgi-bin/sysinfo.cgi">Machine-readable system information</a></p>
</main>
<footer>Firmware $(html "$FW_VERSION") &middot; &copy; ACME Networks</footer>
</body>
</html>
HTML
