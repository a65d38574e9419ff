#!/usr/bin/env bash
# Development tasks. Every task installs what it needs first (idempotent, fast when already done).
#   bash scripts/dev.sh demo     install, then the stock az on the fake cloud with the extension's commands
#   bash scripts/dev.sh test     install, then every test (cassettes replay; no network, no server)
#   bash scripts/dev.sh record   install, then re-record every cassette against a fake cloud it starts
#   bash scripts/dev.sh bench    install, then print the benchmarks' figures
#   bash scripts/dev.sh replay   install, then replay recorded real Azure traffic against the fake and print
#                                the agreement per recording, the disagreements by cause and the totals
#   bash scripts/dev.sh planted [N...]  plant issue 11's known bugs one at a time; print the tests that catch each
#   bash scripts/dev.sh mutate [module...]  mutation testing (mutmut) of the repair code; prints the score
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
WORK="$ROOT/.work"
mkdir -p "$WORK"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

system_packages() {
  local missing=()
  command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
  # the language packs of the screens diagnose reads (German, French, Spanish, Japanese)
  local lang
  for lang in deu fra spa jpn; do
    ls /usr/share/tesseract-ocr/*/tessdata/"$lang".traineddata >/dev/null 2>&1 || missing+=("tesseract-ocr-$lang")
  done
  [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  # the fake draws Windows' screens with Segoe UI's free stand-in and a Japanese font
  [ -e /usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf ] || missing+=(fonts-open-sans)
  [ -e /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf ] || missing+=(fonts-ipaexfont-gothic)
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if command -v apt-get >/dev/null 2>&1; then
    say "installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "warning: cannot install ${missing[*]} (no apt-get); OCR tests and OCR in the demo will say why they cannot read screenshots" >&2
    [ "${CI:-}" = "true" ] && { echo "CI: ${missing[*]} missing is a failure" >&2; return 1; }
  fi
}

python_env() {
  local want stamp="$VENV/.requirements.sha256"
  want="$(sha256sum requirements-dev.txt | cut -d' ' -f1)"
  if [ ! -x "$PY" ]; then
    say "creating .venv"
    python3 -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "installing azure-cli 2.91 and the test tools into .venv (first time: about 2 minutes)"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -r requirements-dev.txt
    echo "$want" > "$stamp"
  fi
  # the extension from this checkout as a dev extension for in-process tests (azdev's way)
  ls "$ROOT"/*.egg-info >/dev/null 2>&1 || "$PY" setup.py -q egg_info >/dev/null 2>&1
}

setup() { system_packages; python_env; }

FAKE_PID=""
start_fake() {  # start_fake ENV_FILE [serve options...]
  local env_file="$1"; shift
  rm -f "$env_file"
  "$PY" -m fakeazure serve --env-file "$env_file" "$@" >"$WORK/fake.log" 2>&1 &
  FAKE_PID=$!
  for _ in $(seq 1 100); do
    [ -s "$env_file" ] && return 0
    kill -0 "$FAKE_PID" 2>/dev/null || { cat "$WORK/fake.log" >&2; return 1; }
    sleep 0.1
  done
  echo "the fake cloud did not start; its log:" >&2; cat "$WORK/fake.log" >&2; return 1
}
stop_fake() {
  if [ -n "$FAKE_PID" ] && kill -0 "$FAKE_PID" 2>/dev/null; then
    kill -TERM "$FAKE_PID"; wait "$FAKE_PID" 2>/dev/null || true
  fi
  FAKE_PID=""
}
trap stop_fake EXIT

demo() {
  setup
  say "building the extension's wheel"
  rm -rf "$WORK/dist"
  "$PY" -m pip wheel -q --no-deps --no-build-isolation -w "$WORK/dist" . >/dev/null
  local wheel; wheel="$(ls "$WORK"/dist/vmbootfix-*.whl)"
  echo "$wheel"
  # oobe-stuck-captured: web01 is stuck at OOBE after it was started again from a proper Sysprep capture, and
  # the image web01-image really is generalized, so the recreated VM is provisioned (provisioning Succeeded)
  say "starting the fake cloud with the scenario oobe-stuck-captured"
  # Azure keeps a deleted VM's NIC reserved for 180 s; the demo's fake shortens that to 5 s
  start_fake "$WORK/demo.env" --scenario oobe-stuck-captured --lro-seconds 1 --nic-reservation-seconds 5
  # shellcheck disable=SC1091
  source "$WORK/demo.env"
  export PATH="$VENV/bin:$PATH"
  echo "fake cloud at $FAKEAZURE_URL; AZURE_CONFIG_DIR=$AZURE_CONFIG_DIR"
  say "az extension add --source $(basename "$wheel") --yes"
  az extension add --source "$wheel" --yes
  az extension list -o table
  say "az account show -o table"
  az account show -o table
  say "az vm list -g rg-oobe -d -o table"
  az vm list -g rg-oobe -o table
  say "az vm get-instance-view -g rg-oobe -n web01 --query instanceView.statuses[].displayStatus"
  az vm get-instance-view -g rg-oobe -n web01 --query "instanceView.statuses[].displayStatus" -o tsv
  say "az vm boot-fix article -n web01 --format text --query content -o tsv"
  az vm boot-fix article -n web01 --format text --query content -o tsv
  if az vm boot-fix diagnose -h >/dev/null 2>&1; then
    say "az vm boot-fix diagnose -g rg-oobe -n web01 -o table"
    az vm boot-fix diagnose -g rg-oobe -n web01 -o table
    say "az vm boot-fix diagnose -g rg-oobe -n web01 --query '{articleId: articleId, confidence: confidence, osState: osState, nextSteps: nextSteps}'"
    az vm boot-fix diagnose -g rg-oobe -n web01 --query "{articleId: articleId, confidence: confidence, osState: osState, nextSteps: nextSteps}"
  fi
  if az vm boot-fix repair -h >/dev/null 2>&1; then
    say "az vm boot-fix repair -g rg-oobe -n web01 --keep-disks --dry-run -o table   (saves the plan)"
    az vm boot-fix repair -g rg-oobe -n web01 --keep-disks --dry-run -o table 2>"$WORK/dry-run.err"
    cat "$WORK/dry-run.err"
    local plan
    plan=$(sed -n 's/^.*Plan saved to //p' "$WORK/dry-run.err")
    say "az vm boot-fix repair -g rg-oobe -n web01 --keep-disks --plan <that plan> --yes --admin-password ****** -o table   (applies exactly that plan: the names it showed)"
    az vm boot-fix repair -g rg-oobe -n web01 --keep-disks --plan "$plan" --yes --admin-password "Demo-$(date +%s)-Pw!" -o table
    say "az snapshot list -g rg-oobe --query [].name -o tsv   (the backup the plan named)"
    az snapshot list -g rg-oobe --query "[].name" -o tsv
    say "az vm get-instance-view -g rg-oobe -n web01   (after the repair: provisioning, power, agent)"
    az vm get-instance-view -g rg-oobe -n web01 --query "{provisioningState: provisioningState, statuses: join(', ', instanceView.statuses[].displayStatus), agent: instanceView.vmAgent.statuses[0].displayStatus}" -o table
    say "az vm boot-fix diagnose -g rg-oobe -n web01 -o table   (after the repair)"
    az vm boot-fix diagnose -g rg-oobe -n web01 -o table
    say "az vm boot-fix rollback -g rg-oobe -n web01 --yes -o table   (the original VM back)"
    az vm boot-fix rollback -g rg-oobe -n web01 --yes -o table
  fi
  say "stopping the fake cloud"
  stop_fake
  echo "demo done"
}

run_tests() {
  setup
  say "running the tests"
  "$PY" -m pytest "$@"
}

record() {
  setup
  say "starting a fake cloud for recording"
  # the time profile: operations take the time Azure takes on a virtual clock that also follows wall time; az
  # waits 1 s between polls (Retry-After 1) and each poll counts 30 s (az's own pace without Retry-After).
  # NIC reservation shortened from Azure's 180 s to 60 s: still there when the repair re-creates the VM (the
  # delete's one poll counts 30 s), so the retry is recorded, after a few 10 s waits instead of minutes
  start_fake "$WORK/record.env" --profile fast --retry-after 1 --poll-seconds 30 --nic-reservation-seconds 60
  # shellcheck disable=SC1091
  source "$WORK/record.env"
  say "recording every cassette into recordings/"
  AZURE_TEST_RUN_LIVE=True "$PY" -m pytest -m scenario tests/scenario "$@"
  stop_fake
  say "checking the cassettes replay offline"
  ( unset AZURE_CONFIG_DIR REQUESTS_CA_BUNDLE IDENTITY_ENDPOINT IDENTITY_HEADER FAKEAZURE_URL
    "$PY" -m pytest -q -m scenario tests/scenario tests/unit/test_cassettes.py )
}

bench() {
  setup
  local any=0
  for b in bench/*.py; do
    [ -e "$b" ] || continue
    any=1
    say "$b"
    "$PY" "$b" "$@"
  done
  [ "$any" -eq 1 ] || echo "no benchmarks yet"
}

replay() {
  setup
  ( cd "$ROOT/tests" && "$PY" -m replay "$@" )
}

cmd="${1:-}"; shift || true
case "$cmd" in
  demo) demo "$@" ;;
  test) run_tests "$@" ;;
  record) record "$@" ;;
  bench) bench "$@" ;;
  replay) replay "$@" ;;
  planted) setup; "$PY" scripts/planted.py "$@" ;;
  mutate) setup; "$PY" scripts/mutate.py "$@" ;;
  setup) setup ;;
  *) echo "usage: bash scripts/dev.sh demo|test|record|bench|replay|planted|mutate [args]" >&2; exit 2 ;;
esac
