import { execFileSync } from 'node:child_process';
import type { Requires } from './records.js';

// One wheel to build: its file name, metadata, tags, files (path → text) and console scripts (name → module:function).
export interface WheelSpec { file: string; name: string; version: string; requiresPython?: string; requires: Requires; tag: string; tags: string[]; files: Record<string, string>; scripts?: Record<string, string> }

// Builds the wheels with the host's python3 (zipfile), RECORD with each file's sha256 and size.
const BUILDER = String.raw`
import base64, hashlib, json, os, re, sys, zipfile
out = sys.argv[1]
for w in json.load(sys.stdin):
    dist = w["file"].split("-")[0] + "-" + w["version"]
    info = dist + ".dist-info"
    meta = ["Metadata-Version: 2.1", "Name: " + w["name"], "Version: " + w["version"], "Summary: stand-in of " + w["name"] + " " + w["version"]]
    if w.get("requiresPython"):
        meta.append("Requires-Python: " + w["requiresPython"])
    # Each extra a requirement's marker names (extra == "css") is declared, as real METADATA does.
    meta += ["Provides-Extra: " + e for e in sorted(set(re.findall(r'extra\s*==\s*"([^"]+)"', " ".join(w["requires"]))))]
    meta += ["Requires-Dist: " + r for r in w["requires"]]
    files = dict(w["files"])
    files[info + "/METADATA"] = "\n".join(meta) + "\n\n"
    files[info + "/WHEEL"] = "Wheel-Version: 1.0\nGenerator: rig-tests\nRoot-Is-Purelib: " + ("true" if w["tag"] == "py3-none-any" else "false") + "\n" + "".join("Tag: %s\n" % t for t in w["tags"])
    if w.get("scripts"):
        files[info + "/entry_points.txt"] = "[console_scripts]\n" + "".join("%s = %s\n" % kv for kv in sorted(w["scripts"].items()))
    files[info + "/top_level.txt"] = "\n".join(sorted({p.split("/")[0].replace(".py", "") for p in w["files"]})) + "\n"
    record = []
    path = os.path.join(out, w["file"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            data = files[name].encode()
            z.writestr(zipfile.ZipInfo(name, (2020, 1, 1, 0, 0, 0)), data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append("%s,sha256=%s,%d" % (name, digest, len(data)))
        record.append(info + "/RECORD,,")
        z.writestr(zipfile.ZipInfo(info + "/RECORD", (2020, 1, 1, 0, 0, 0)), "\n".join(record) + "\n")
`;

// Writes each wheel into `dir`: a zip of its files and a .dist-info with METADATA, WHEEL, top_level.txt, RECORD and, for
// console scripts, entry_points.txt (pip writes the scripts into the venv's bin/ from it, as it does for real wheels).
export function writeWheels(dir: string, wheels: WheelSpec[]): void {
  execFileSync('python3', ['-c', BUILDER, dir], { input: JSON.stringify(wheels), stdio: ['pipe', 'inherit', 'inherit'] });
}
