#!/usr/bin/env bash
# Opens an HTML report of 'textcls evaluate --html' in headless Chromium and fails unless it
# renders cleanly: no console message or script error at all, every chart drawn (the page sets
# data-report-status="ok" once they are), no network (every host name resolves to nothing, so a
# fetch would show as a console error). Saves a PNG screenshot.
#   scripts/check-report-browser.sh report.html [shot.png]     (default: report.png beside it)
# CHROMIUM=<path> picks the browser (default: chromium on PATH); WIDTH and HEIGHT size the shot.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 report.html [shot.png]" >&2; exit 2; }
html="$1"
png="${2:-${html%.html}.png}"
[ -f "$html" ] || { echo "error: $html does not exist (write one with textcls evaluate --html)" >&2; exit 1; }
chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$chromium" ] && [ -x "$chromium" ] || {
  echo "error: Chromium not found: install it (apt-get install chromium) or set CHROMIUM=<path>" >&2; exit 1; }
url="file://$(realpath "$html")"
png_abs="$(realpath -m "$png")"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
  --disable-component-update --disable-sync --enable-logging=stderr --v=0 --hide-scrollbars
  --host-resolver-rules="MAP * ~NOTFOUND" --virtual-time-budget=15000)
run() { # name, extra flags...: one fresh profile per run
  local name="$1"; shift
  mkdir -p "$tmp/$name-profile"
  if ! timeout 180 "$chromium" "${flags[@]}" --user-data-dir="$tmp/$name-profile" "$@" "$url" \
      >"$tmp/$name.out" 2>"$tmp/$name.log"; then
    echo "error: chromium failed ($name):" >&2; tail -20 "$tmp/$name.log" >&2; exit 1
  fi
}
run dom --dump-dom
run shot --window-size="${WIDTH:-1200},${HEIGHT:-2400}" --screenshot="$png_abs"
console="$(grep -h 'CONSOLE' "$tmp/dom.log" "$tmp/shot.log" || true)"
status="$(grep -o 'data-report-status="[a-z]*"' "$tmp/dom.out" | head -1 || true)"
charts="$(grep -o 'data-report-charts="[0-9]*"' "$tmp/dom.out" | head -1 || true)"
fail=0
if [ -n "$console" ]; then
  echo "console messages (none are allowed):" >&2; echo "$console" >&2; fail=1
fi
errors="$(grep -o 'data-report-errors="[0-9]*"' "$tmp/dom.out" | head -1 || true)"
if [ "$status" != 'data-report-status="ok"' ] || [ -n "$errors" ]; then
  echo "error: the report's script did not finish cleanly (${status:-no data-report-status}; ${errors:-no errors recorded}; last: $(grep -o 'data-report-last-error="[^"]*"' "$tmp/dom.out" | head -1 || true))" >&2
  fail=1
fi
[ -s "$png_abs" ] || { echo "error: no screenshot written to $png_abs" >&2; fail=1; }
[ "$fail" = 0 ] || exit 1
echo "ok: $html rendered in $("$chromium" --version 2>/dev/null | head -1) with no console message, $(echo "$charts" | tr -dc 0-9) charts; screenshot $png_abs"
