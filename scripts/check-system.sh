#!/usr/bin/env bash
# Checks the system libraries WeasyPrint needs for the PDF (Pango, fontconfig, a font) and
# installs them with apt-get where it can (as root on Debian/Ubuntu). Exit 1 with a clear
# message where it cannot.
set -u

have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list 2>/dev/null | head -n 1)" ]; }

missing=()
have_lib 'libpango-1.0.so' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
have_font || missing+=(fontconfig fonts-dejavu-core)

# Recommended, not required: WeasyPrint subsets fonts with it and warns when it is absent.
if ! have_lib 'libharfbuzz-subset.so' && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libharfbuzz-subset0 >/dev/null 2>&1) \
    || echo "briefgen: note: libharfbuzz-subset0 could not be installed; PDFs still render" >&2
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "briefgen: WeasyPrint (the PDF renderer) needs: ${missing[*]}" >&2
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  echo "briefgen: installing them with apt-get" >&2
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    exit 0
  fi
  echo "briefgen: apt-get could not install ${missing[*]}" >&2
fi
cat >&2 <<MSG
briefgen: please install Pango and a font, then run make again:
  Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
  Fedora:        sudo dnf install pango dejavu-sans-fonts
  macOS:         brew install pango
MSG
exit 1
