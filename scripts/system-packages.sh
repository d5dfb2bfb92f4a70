#!/usr/bin/env bash
# The Debian packages each of the README's commands needs, in one list shared by the
# Makefile and CI. As root, installs what is missing; otherwise stops with the exact line.
#   scripts/system-packages.sh run    WeasyPrint's libraries and fonts (PDFs), gettext
#   scripts/system-packages.sh test   the above, plus chromium (browser tests) and poppler-utils
#   scripts/system-packages.sh ci     the above, plus PostgreSQL, Redis, docker-compose, curl
set -euo pipefail

run=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 gettext)
test=("${run[@]}" chromium poppler-utils)
ci=("${test[@]}" postgresql redis-server docker-compose curl)

case "${1:-}" in
  run) wanted=("${run[@]}") ;;
  test) wanted=("${test[@]}") ;;
  ci) wanted=("${ci[@]}") ;;
  *) echo "usage: $0 run|test|ci" >&2; exit 2 ;;
esac

command -v dpkg >/dev/null 2>&1 || { echo "Not a Debian system: install the equivalent of: ${wanted[*]}"; exit 0; }
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Paquets Debian manquants. Installez-les puis relancez la commande :"
  echo "  sudo apt-get install --no-install-recommends ${missing[*]}"
  exit 1
fi
echo "Installation des paquets Debian : ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
