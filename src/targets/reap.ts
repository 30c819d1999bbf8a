// Shell functions that find and stop the processes of one script, by a NAME=VALUE its environment carries (RIG_EXEC=<id>,
// RIG_STEP=<mark>) and by session: a process that hides its environment (apt-get makes itself undumpable, so root in a
// container without CAP_SYS_PTRACE cannot read it) is still found in the session of a marked one (never the session of
// the shell that looks). `marked NAME=VALUE` prints their pids; `reap NAME=VALUE` sends TERM, gives them up to 5 s to
// end, then KILLs what is left.
export const REAP_FUNCTIONS = `rig_sid() { local s; read -r s < "/proc/$1/stat" 2>/dev/null || return 1; s=\${s##*) }; set -- $s; echo "$4"; }
marked() {
  local mine d p s sids=' '
  mine=$(rig_sid $$)
  for d in /proc/[0-9]*; do
    grep -qzx "$1" "$d/environ" 2>/dev/null || continue
    p=\${d#/proc/}; echo "$p"
    s=$(rig_sid "$p") && [ "$s" != "$mine" ] && sids="$sids$s "
  done
  [ "$sids" = ' ' ] && return 0
  for d in /proc/[0-9]*; do
    p=\${d#/proc/}; s=$(rig_sid "$p") || continue
    case "$sids" in *" $s "*) echo "$p" ;; esac
  done
}
reap() {
  p=$(marked "$1"); [ -n "$p" ] || return 0
  kill -TERM $p 2>/dev/null
  for i in $(seq 25); do [ -n "$(marked "$1")" ] || return 0; sleep 0.2; done
  kill -KILL $(marked "$1") 2>/dev/null
  return 0
}`;
