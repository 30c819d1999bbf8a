// Shell functions that find and stop the processes of one script by the RIG_EXEC=<id> in their environment:
// `marked ID` prints their pids; `reap ID` sends TERM, gives them up to 5 s to end, then KILLs what is left.
export const REAP_FUNCTIONS = `marked() { for d in /proc/[0-9]*; do grep -qzx "RIG_EXEC=$1" "$d/environ" 2>/dev/null && echo "\${d#/proc/}"; done; }
reap() {
  p=$(marked "$1"); [ -n "$p" ] || return 0
  kill -TERM $p 2>/dev/null
  for i in $(seq 25); do [ -n "$(marked "$1")" ] || return 0; sleep 0.2; done
  kill -KILL $(marked "$1") 2>/dev/null
  return 0
}`;
