# Sourced after lib.sh by the tests that run sweeps as two Unix users
# (docs/machine.md): makes the group sweeptest_TAG and the users
# sweep_TAG_alice and sweep_TAG_bob (USERS_TAG: one per test script, so
# that tests run at once do not remove each other's users; removed at the
# end), a machine directory set up for the
# group as docs/machine.md says, a directory for each user's sweeps
# ($T/alice, $T/bob) and a machine configuration $T/machine.yaml with
# MACHINE_YAML's text. `as USER CMD...` runs CMD as that user with the
# test's PATH, machine directory and configuration. Exit 77 unless run as
# root with useradd and runuser.
if [ "$(id -u)" != 0 ] || ! command -v useradd > /dev/null || ! command -v runuser > /dev/null; then
    echo "SKIP: needs root, useradd and runuser to make two users" >&2
    exit 77
fi
G=sweeptest_${USERS_TAG:?} A=sweep_${USERS_TAG}_alice B=sweep_${USERS_TAG}_bob
getent group $G > /dev/null || groupadd $G
for u in $A $B; do id $u > /dev/null 2>&1 || useradd -M -N -g $G -s /bin/sh $u; done
users_cleanup() { userdel $A 2> /dev/null; userdel $B 2> /dev/null; groupdel $G 2> /dev/null; }
trap 'users_cleanup; [ "$FAILED" -eq 0 ] && rm -rf "$T" || echo "kept $T" >&2' EXIT
chmod 711 "$T"
rmdir machine && install -d -m 2775 -g $G "$T/machine" # as docs/machine.md says
install -d -o $A -g $G "$T/alice"
install -d -o $B -g $G "$T/bob"
printf '%s\n' "${MACHINE_YAML:-default: {share: 1\}}" > "$T/machine.yaml"
chmod 644 "$T/machine.yaml"
as() { u=$1; shift; runuser -u "$u" -- env "PATH=$PATH" "SWEEP_MACHINE_DIR=$T/machine" "SWEEP_MACHINE_CONFIG=$T/machine.yaml" NO_COLOR=1 "$@"; }
if ! as $A sweep --version > /dev/null 2>&1; then
    echo "SKIP: another user cannot run $SWEEP_BIN here" >&2
    exit 77
fi
