import { shq } from '../shell/quote.js';

// An awk program that reads GNU tar's member list (`tar -tv --numeric-owner --quoting-style=c`: every name one C string on
// one line, whatever spaces, quotes, " -> " or line breaks it holds) and exits 1, saying why, unless every member stays
// in the folder: no absolute name or ".." part, only files, folders and links, each symbolic link's target relative and
// climbing (with leading ".." only) no higher than its own folder, and no member or hard link reached through a symbolic
// link of the archive (so that each link's folder is the one its name says). `strip` is --strip-components, done as tar
// does it; hard link targets are listed as tar uses them (stripped, made relative). Any line it cannot read is refused.
const MEMBERS_AWK = String.raw`
function refuse(what) { printf "rig: archive has %s; refusing it (%s)\n", what, $0 > "/dev/stderr"; bad = 1; exit 1 }
function parts(path, out,   all, n, i, k) { split("", out); n = split(path, all, "/"); k = 0; for (i = 1; i <= n; i++) if (all[i] != "") out[++k] = all[i]; return k }
function inside(path,   p, n, i) { if (path ~ /^\//) return 0; n = parts(path, p); for (i = 1; i <= n; i++) if (p[i] == "..") return 0; return 1 }
function key(path, from,   p, n, i, k) { n = parts(path, p); k = ""; for (i = from; i <= n; i++) if (p[i] != ".") k = k == "" ? p[i] : k "/" p[i]; return k }
function climbs(target,   p, n, i, up, down) { n = parts(target, p); up = down = 0; for (i = 1; i <= n; i++) if (p[i] == "..") { if (down) return -1; up++ } else if (p[i] != ".") down = 1; return up }
{
  type = substr($0, 1, 1); arrow = type == "l" ? " -> " : type == "h" ? " link to " : ""
  if (!match($0, /"([^"\\]|\\.)*"/)) refuse("a member list rig cannot read")
  name = substr($0, RSTART + 1, RLENGTH - 2); rest = substr($0, RSTART + RLENGTH); target = substr(rest, length(arrow) + 1)
  if (arrow == "" ? rest != "" : substr(rest, 1, length(arrow)) != arrow || target !~ /^"([^"\\]|\\.)*"$/) refuse("a member list rig cannot read")
  target = substr(target, 2, length(target) - 2)
  if (type !~ /^[-dlh]$/) refuse("special files (devices, fifos)")
  if (!inside(name)) refuse("paths outside its folder")
  if (parts(name, whole) <= strip) next
  names[++count] = k = key(name, strip + 1)
  if (type == "h") { if (!inside(target)) refuse("links outside its folder"); names[++count] = key(target, 1) }
  if (type == "l") { up = climbs(target); if (k == "" || target ~ /^\// || up < 0 || up >= parts(k, whole)) refuse("links outside its folder"); links[k] = 1 }
}
END {
  if (bad) exit 1
  for (i = 1; i <= count; i++) { n = parts(names[i], p); k = ""; for (j = 1; j < n; j++) { k = k == "" ? p[j] : k "/" p[j]; if (k in links) { $0 = names[i]; refuse("members reached through its own links") } } }
}`;

// Shell that refuses the archive at $RIG_FILE (deleting it) unless every member it would unpack stays in its folder.
export function checkArchiveScript(strip: number): string {
  return `LC_ALL=C tar -tvf "$RIG_FILE" --numeric-owner --quoting-style=c | awk -v strip=${strip} ${shq(MEMBERS_AWK)} || { rm -f "$RIG_FILE"; exit 1; }`;
}

// Shell that unpacks $RIG_FILE into `dir` (made when missing) keeping the owner, mode and times of folders that are there
// already (an archive's "./" entry never makes the folder world-writable), and files' modes within the umask, owned by
// whoever unpacks them.
export function unpackScript(dir: string, strip: number): string {
  const stripped = strip ? ` --strip-components=${strip}` : '';
  return [`mkdir -p ${shq(dir)}`, `tar -xf "$RIG_FILE" -C ${shq(dir)}${stripped} --no-same-owner --no-same-permissions --no-overwrite-dir`].join('\n');
}
