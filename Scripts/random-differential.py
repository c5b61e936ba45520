#!/usr/bin/env python3
"""Random differential test of the lock algorithm: flakelock against Nix 2.8.

    Scripts/random-differential.py [--flakelock PATH] [--keep DIR] FIRST_SEED COUNT

Each seed builds a random graph of flakes on disk (2 to 6 dependencies, each a `path:`
directory, a `git+file` repository with fixed commit dates — branch `main`, sometimes a
branch `dev` one commit ahead, referred to by `?ref=dev` or `?rev=` — or a reproducible
`file://` tarball; some with a sub-flake in `sub/` taken by `?dir=sub`; the top-level
flake a directory or a Git checkout, perhaps with a `path:./sub` sub-flake; references as
URLs or attribute sets; input names drawn from a small pool so that they collide): inputs
with `follows` (to siblings, nested paths, or "" — the root), nested overrides of a
dependency's inputs (`inputs.a.inputs.b.follows`, `.url`, two levels deep), `flake =
false`, and dependencies carrying their own `flake.lock` (made by Nix, sometimes left
stale by a later change of their `flake.nix`). Then both engines, each on an identical
copy with fixed file times and an empty cache, run the same steps: a first lock, a no-op
lock, `--update-input` after a dependency changed (committed, for a Git one; re-packed,
for a tarball), `--override-input` (top-level or nested), `flake update`, a change of the
top-level `flake.nix` and a lock keeping what still matches, `--update-input` of a nested
input, then up to three more (`--recreate-lock-file`, `--no-update-lock-file`, several
`--update-input`s, two `--override-input`s, a change and `flake update`).
After every step the exit status (zero or not) and the `flake.lock` bytes must be equal.
Nothing goes to the network: every input is local.

Needs `nix` (Debian's nix-bin 2.8: it runs without root on a private store under the work
directory) and a built flakelock (default .build/debug/flakelock). A differing seed is
kept under --keep (default /tmp/flakelock-random-differential) with both engines' locks
and stderr in report.json; the exit status is 1 if any seed differed.
"""
import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile

NAMES = ["a", "b", "c", "nixpkgs", "utils"]
EPOCH = 1700000000


def environment(work):
    e = dict(os.environ)
    e.update(
        HOME=work + "/home", XDG_CACHE_HOME=work + "/home/.cache", XDG_CONFIG_HOME=work + "/home/.config",
        XDG_DATA_HOME=work + "/home/.local/share", XDG_STATE_HOME=work + "/home/.local/state",
        LC_ALL="C", TZ="UTC", NIX_PATH="",
        NIX_CONFIG="\n".join([
            "experimental-features = nix-command flakes", "store = %s/store" % work,
            "flake-registry = /dev/null", "substituters =", "sandbox = false", "build-users-group =", ""]))
    return e


def command(engine, flakelock, args):
    """Nix's arguments (`flake lock …`, `flake update`) for `engine`."""
    if engine == "nix":
        return ["nix"] + args
    sub, rest = args[1], args[2:]
    return [flakelock, sub, "--compat", "nix-2.8"] + rest


class Graph:
    """The dependencies of one seed: dependency `i` lives in `d/d<i>` and is a `path:`
    directory, a `git+file` repository (branch `main`, sometimes a branch `dev` one commit
    ahead) or a tarball `d/d<i>.tar.gz` of that directory; some have a sub-flake in `sub/`
    (referred to with `?dir=sub`)."""

    def __init__(self, d, kinds):
        self.d, self.kinds = d, kinds
        self.revs = {}  # i -> {branch: rev}
        self.subflakes = set()

    def ref(self, rng, i, attrset=True):
        """A reference to dependency `i`, as a URL string or (when `attrset`) an attribute
        set (Nix text)."""
        d, kind = self.d, self.kinds[i]
        query = []
        if i in self.subflakes and rng.random() < 0.5:
            query.append("dir=sub")
        attrs = None
        if kind == "git":
            revs = self.revs.get(i, {})
            r = rng.random()
            if "dev" in revs and r < 0.3:
                query.insert(0, "ref=dev")
            elif revs and r < 0.45:
                branch = rng.choice(sorted(revs))
                query.insert(0, "rev=" + revs[branch])
                if branch == "dev" and rng.random() < 0.5:
                    query.insert(0, "ref=dev")
            text = "git+file://%s/d%d" % (d, i)
            if rng.random() < 0.2:
                attrs = {"type": "git", "url": "file://%s/d%d" % (d, i)}
        elif kind == "tarball":
            text = "file://%s/d%d.tar.gz" % (d, i)
            if rng.random() < 0.2:
                attrs = {"type": "tarball", "url": "file://%s/d%d.tar.gz" % (d, i)}
        else:
            text = "path:%s/d%d" % (d, i)
            if query and rng.random() < 0.8:  # Nix 2.8 refuses `dir` on a path URL; mostly name the sub-flake
                text, query = text + "/sub", []
            if rng.random() < 0.2:
                attrs = {"type": "path", "path": text[len("path:"):]}
        if attrs is not None and attrset:
            for q in query:
                k, v = q.split("=", 1)
                attrs[k] = v
            return "{ %s }" % " ".join("%s = %s;" % (k, json.dumps(v)) for k, v in attrs.items())
        return json.dumps(text + ("?" + "&".join(query) if query else ""))

    def url(self, rng, i):
        """A URL string for dependency `i` (as `--override-input` takes it)."""
        return json.loads(self.ref(rng, i, attrset=False))


def inputs_text(rng, me, count, graph, relative=()):
    """The `inputs` of flake `me` (-1: the top-level one), pointing at dependencies after it
    (and at the relative paths in `relative`, when given)."""
    targets = list(range(me + 1, count))
    names = rng.sample(NAMES, rng.randint(0, 4))
    lines, defined = [], set()

    def add(attr, value):
        if attr not in defined:
            defined.add(attr)
            lines.append("%s = %s;" % (attr, value))

    def target_ref():
        if relative and rng.random() < 0.3:
            return json.dumps(rng.choice(relative))
        ref = graph.ref(rng, rng.choice(targets))
        return ref

    for n in names:
        if rng.random() < 0.15 and len(names) > 1:
            others = [x for x in names if x != n]
            add("inputs.%s.follows" % n, json.dumps(rng.choice(others + [o + "/" + rng.choice(NAMES) for o in others])))
            continue
        if not targets:
            continue
        ref = target_ref()
        if ref.startswith("{"):
            add("inputs.%s" % n, ref[:-1] + ("flake = false; }" if rng.random() < 0.15 else "}"))
        else:
            add("inputs.%s.url" % n, ref)
            if rng.random() < 0.15:
                add("inputs.%s.flake" % n, "false")
        for _ in range(rng.randint(0, 2)):
            sub = rng.choice(NAMES)
            r = rng.random()
            if r < 0.5:
                target = rng.choice(names + [""] + [x + "/" + rng.choice(NAMES) for x in names])
                add("inputs.%s.inputs.%s.follows" % (n, sub), json.dumps(target))
            elif r < 0.8:
                ref = graph.ref(rng, rng.choice(targets))
                if ref.startswith('"'):
                    add("inputs.%s.inputs.%s.url" % (n, sub), ref)
            else:
                add("inputs.%s.inputs.%s.inputs.%s.follows" % (n, sub, rng.choice(NAMES)), json.dumps(rng.choice(names)))
    return "\n  ".join(lines)


def flake_text(inputs, tag):
    return '{\n  description = "%s";\n  %s\n  outputs = _: {};\n}\n' % (tag, inputs)


def settime(path, t):
    os.utime(path, (t, t), follow_symlinks=False)


def snapshot(d):
    files = {}
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                files[p] = f.read()
    return files


def restore(d, files):
    """`d` exactly as snapshotted, every file and directory dated EPOCH (path inputs lock
    their newest file time as lastModified)."""
    shutil.rmtree(d, ignore_errors=True)
    for p, data in files.items():
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
    for root, dirs, names in os.walk(d):
        for n in names + dirs:
            settime(os.path.join(root, n), EPOCH)
    settime(d, EPOCH)


def write(path, text, t):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    settime(path, t)
    settime(os.path.dirname(path), t)


def git(directory, *args, date=EPOCH):
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t.invalid", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t.invalid", GIT_AUTHOR_DATE="@%d +0000" % date,
               GIT_COMMITTER_DATE="@%d +0000" % date)
    return subprocess.run(["git", "-C", directory] + list(args), env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def commit_all(directory, date):
    git(directory, "add", "-A")
    git(directory, "commit", "-q", "--allow-empty", "-m", "c", date=date)


def make_tarball(directory, t):
    """`directory` as `directory.tar.gz` under a top directory of its name, every member
    dated `t` and the gzip header dated 0, so that both engines see the same bytes."""
    top = os.path.basename(directory)
    members = []
    for root, dirs, names in os.walk(directory):
        dirs.sort()
        for n in sorted(dirs) + sorted(names):
            members.append(os.path.join(root, n))
    with open(directory + ".tar.gz", "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
                for p in [directory] + members:
                    info = tar.gettarinfo(p, top + p[len(directory):])
                    info.mtime, info.uid, info.gid, info.uname, info.gname = t, 0, 0, "", ""
                    if info.isfile():
                        with open(p, "rb") as f:
                            tar.addfile(info, f)
                    else:
                        tar.addfile(info)


def changed_dependency(d, kinds, i, t):
    """Dependency `i` changed at time `t`: committed on `main` (Git), re-archived (tarball)."""
    dep = "%s/d%d" % (d, i)
    write(dep + "/extra", "x%d\n" % t, t)
    if kinds[i] == "git":
        commit_all(dep, t)
    elif kinds[i] == "tarball":
        make_tarball(dep, t)


def messages(stderr):
    """What both engines must print on stderr: every line, without blank ones."""
    return [line.replace("Try 'flakelock --help'", "Try 'nix --help'") for line in stderr.splitlines()
            if line.strip()]


def run_case(seed, work, flakelock, keep, compare_stderr):
    rng = random.Random(seed)
    env = environment(work)
    d = work + "/case"
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    count = rng.randint(2, 6)
    kinds = [rng.choice(["path", "path", "git", "git", "tarball"]) for _ in range(count)]
    graph = Graph(d, kinds)
    for i in reversed(range(count)):
        dep = "%s/d%d" % (d, i)
        os.makedirs(dep)
        if kinds[i] == "git":
            git(dep, "init", "-q", "-b", "main")
        write(dep + "/flake.nix", flake_text(inputs_text(rng, i, count, graph), "d%d" % i), EPOCH)
        if rng.random() < 0.25:
            # No relative inputs in a path dependency's sub-flake: it is named `path:/dN/sub`
            # (2.8 refuses `?dir=`), and 2.8 takes its `..` as the store directory around the
            # sub-flake's own copy (docs/nix-behaviour.md, "Relative path inputs").
            relative = ["path:.."] if kinds[i] != "path" else []
            write(dep + "/sub/flake.nix", flake_text(inputs_text(rng, i, count, graph, relative), "d%d/sub" % i),
                  EPOCH)
            graph.subflakes.add(i)
        if kinds[i] == "git":
            commit_all(dep, EPOCH)
        if rng.random() < 0.5:
            subprocess.run(["nix", "flake", "lock"], cwd=dep, env=env, capture_output=True, timeout=300)
            if kinds[i] == "git":
                commit_all(dep, EPOCH + 10)
            if rng.random() < 0.3:  # the dependency's own lock goes stale
                write(dep + "/flake.nix", flake_text(inputs_text(rng, i, count, graph), "d%d" % i), EPOCH)
                if kinds[i] == "git":
                    commit_all(dep, EPOCH + 20)
        if kinds[i] == "git":
            graph.revs[i] = {"main": git(dep, "rev-parse", "HEAD")}
            if rng.random() < 0.5:
                git(dep, "checkout", "-q", "-b", "dev")
                write(dep + "/dev", "dev\n", EPOCH + 30)
                commit_all(dep, EPOCH + 30)
                graph.revs[i]["dev"] = git(dep, "rev-parse", "HEAD")
                git(dep, "checkout", "-q", "main")
        elif kinds[i] == "tarball":
            make_tarball(dep, EPOCH)
    top = d + "/top"
    os.makedirs(top)
    relative = []
    if rng.random() < 0.3:  # a sub-flake of the top-level flake, by relative path
        write(top + "/sub/flake.nix", flake_text(inputs_text(rng, -1, count, graph), "top/sub"), EPOCH)
        relative = ["path:./sub", "path:sub"]
    write(top + "/flake.nix", flake_text(inputs_text(rng, -1, count, graph, relative), "top"), EPOCH)
    if rng.random() < 0.25:  # the top-level flake is a Git checkout
        git(top, "init", "-q", "-b", "main")
        commit_all(top, EPOCH)

    def some_input():
        return rng.choice(NAMES)

    changed = rng.randrange(count)

    steps = [
        ["flake", "lock"],
        ["flake", "lock"],
        ("change", changed, EPOCH + 100),
        ["flake", "lock", "--update-input", some_input()],
        ["flake", "lock", "--override-input",
         some_input() + ("/" + some_input() if rng.random() < 0.5 else ""), graph.url(rng, rng.randrange(count))],
        ["flake", "update"],
        ("write", top + "/flake.nix", flake_text(inputs_text(rng, -1, count, graph, relative), "top"), EPOCH + 200),
        ["flake", "lock"],
        ["flake", "lock", "--update-input", some_input() + "/" + some_input()],
    ]
    # A few more, drawn from what users do between locks.
    for _ in range(rng.randint(0, 3)):
        r = rng.random()
        if r < 0.2:
            steps.append(["flake", "lock", "--recreate-lock-file"])
        elif r < 0.4:
            steps.append(("change", rng.randrange(count), EPOCH + 300 + len(steps)))
            steps.append(["flake", "lock", "--no-update-lock-file"] +
                         (["--update-input", some_input()] if rng.random() < 0.5 else []))
        elif r < 0.6:
            steps.append(["flake", "lock", "--update-input", some_input(), "--update-input",
                          some_input() + "/" + some_input()])
        elif r < 0.8:
            # Two overrides, perhaps of one path (the later wins): Nix warns about the unused
            # ones in path order, each path once.
            first = some_input()
            steps.append(["flake", "lock", "--override-input", first, graph.url(rng, rng.randrange(count)),
                          "--override-input", rng.choice([first, some_input()]),
                          graph.url(rng, rng.randrange(count))])
        else:
            steps.append(("change", rng.randrange(count), EPOCH + 300 + len(steps)))
            steps.append(["flake", "update"])
    files = snapshot(d)
    results = {}
    for engine in ["nix", "flakelock"]:
        restore(d, files)
        shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)  # both start as a fresh machine
        for repo in ["%s/d%d" % (d, i) for i in range(count)] + [top]:
            if os.path.isdir(repo + "/.git"):  # the restored index's file times are stale
                git(repo, "update-index", "-q", "--refresh")
        out = []
        for step in steps:
            if isinstance(step, tuple):
                if step[0] == "change":
                    changed_dependency(d, kinds, step[1], step[2])
                else:
                    write(step[1], step[2], step[3])
                    if os.path.isdir(top + "/.git"):
                        commit_all(top, step[3])
                continue
            p = subprocess.run(command(engine, flakelock, step), cwd=top, env=env, capture_output=True,
                               text=True, timeout=300)
            lock_path = top + "/flake.lock"
            lock = open(lock_path).read() if os.path.exists(lock_path) else None
            out.append({"step": " ".join(step), "failed": p.returncode != 0, "lock": lock, "stderr": p.stderr})
        results[engine] = out
    succeeded = sum(1 for r in results["nix"] if not r["failed"])
    for a, b in zip(results["nix"], results["flakelock"]):
        if a["failed"] != b["failed"] or a["lock"] != b["lock"] or (
                compare_stderr and messages(a["stderr"]) != messages(b["stderr"])):
            kept = "%s/seed-%d" % (keep, seed)
            shutil.rmtree(kept, ignore_errors=True)
            restore(d, files)
            shutil.copytree(d, kept, symlinks=True)
            with open(kept + "/report.json", "w") as f:
                json.dump({"seed": seed, "first difference": a["step"], "nix": results["nix"],
                           "flakelock": results["flakelock"]}, f, indent=1)
            return "step '%s': Nix %s, flakelock %s, locks %s%s (kept in %s)" % (
                a["step"], "failed" if a["failed"] else "succeeded", "failed" if b["failed"] else "succeeded",
                "equal" if a["lock"] == b["lock"] else "differ",
                ", messages differ" if messages(a["stderr"]) != messages(b["stderr"]) else "", kept), succeeded
    return None, succeeded


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("first", type=int)
    parser.add_argument("count", type=int)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--flakelock", default=os.path.join(root, ".build/debug/flakelock"))
    parser.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "flakelock-random-differential"))
    parser.add_argument("--stderr", action="store_true", help="stderr must be equal too")
    args = parser.parse_args()
    if shutil.which("nix") is None:
        sys.exit("random-differential: needs nix (Debian's nix-bin)")
    flakelock = os.path.abspath(args.flakelock)
    work = tempfile.mkdtemp(prefix="flakelock-rdiff-")
    os.makedirs(work + "/home")
    differ, steps = 0, 0
    try:
        for seed in range(args.first, args.first + args.count):
            difference, succeeded = run_case(seed, work, flakelock, args.keep, args.stderr)
            steps += succeeded
            if difference:
                differ += 1
                print("seed %d: %s" % (seed, difference), flush=True)
    finally:
        subprocess.run(["chmod", "-R", "u+w", work], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    print("%d of %d seeds differ (%d steps Nix completed, all compared)" % (differ, args.count, steps))
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
