#!/usr/bin/env python3
"""Build each image's executable the way its Dockerfile does, without a Docker engine, and check the result.

There is no Docker engine on the project's machines (the `docker` client answers, but cannot build or run), so this
reproduces what `docker build -f deploy/docker/X.Dockerfile .` would do to the executable and checks what
`docker run` would run:

Build stage (the stage the final stage copies `--from`):
  * a staging directory `.cache/docker-build/<stage-key>/root/` stands for the stage's filesystem root: WORKDIR
    `/src` is `root/src`, and every other absolute directory the stage writes the executable to (`/out`, from the
    final stage's `COPY --from=build /out/...`) is `root/out`; the RUN command has those paths rewritten;
  * it holds exactly the paths the COPY lines copy from the repository (the build context), nothing else: a path
    Package.swift needs but no COPY copies fails here as it fails in Docker (every `path:` of Package.swift is checked
    first, for a clear message). Docker ignores .gitignore, and so does the copy; symbolic links are kept
    (Shared/ToolboxAPI/openapi.yaml points at ../../openapi/toolbox.yaml, so `COPY openapi` is needed too);
  * only `root/src/.build` survives between runs (everything else is copied anew, with the files' times), so a
    repeated run is an incremental build. Package.resolved is not copied (it is gitignored, like in the image),
    so SwiftPM resolves afresh each time, as a `docker build` does;
  * the RUN command (`swift build -c release --product X --static-swift-stdlib && install -D ... /out/X`) runs
    there with `bash -c`, with the stage's ENV, as root (as in the image). Builds of Dockerfiles whose build stages
    copy the same paths share one staging directory, so the three servers' release builds share their packages.

Swift packages: SwiftPM resolves `https://github.com/OWNER/NAME` through git, and on this kind of machine the system
git configuration (/etc/gitconfig, part of the machine image, not of the repository) rewrites those addresses to the
local copies in /opt/swift-packages (`url./opt/swift-packages/.insteadOf https://github.com/`). The repository
itself has no SwiftPM mirror configuration (.swiftpm/ is gitignored and absent), so a fresh directory such as the
staging one resolves exactly like the repository does, with nothing to replicate. The script checks that the
rewrite is configured and says so when it is not (then SwiftPM would try GitHub, which is unreachable here). In a
real `docker build` the swift:6.2-bookworm image fetches from GitHub instead; the local toolchain may be newer
(its version is printed).

Runtime stage (the final stage): its RUN lines (apt-get, useradd) are not reproduced. The executable is installed
at its COPY destination under `.cache/docker-build/images/<image>/` and checked:
  * `ldd` shows no libswift* library (static Swift standard library) and only libraries debian:bookworm-slim has;
  * it runs as the non-root UID of USER (setpriv --reuid/--regid --clear-groups), with a container-like
    environment (PATH, HOME=/, working directory /), checked in /proc;
  * an image that EXPOSEs ports is a server: ENTRYPOINT + CMD plus `--bind-address 127.0.0.1 --port 0
    --monitoring-port 0` and the component's required options (a kubeconfig pointing at a loopback port that
    refuses connections, an empty JAR and such URLs for the bootstrap); the "monitoring listening on port N" log
    line gives the port; GET /version must answer 200 with {"name": "flink-k8s-toolbox", "version": <info.version
    of openapi/toolbox.yaml>, "component": <executable>} and /metrics 200; then SIGTERM must end it with exit code 0.
    The EXPOSEd ports must be the ones the executable's --help names;
  * an image that EXPOSEs nothing is a command-line tool: ENTRYPOINT + CMD must exit 0 and ENTRYPOINT --version
    must print the version;
  * the all-in-one image (ENTRYPOINT flinkctl; the final stage may COPY several executables from the build stage)
    must ship operator, supervisor and bootstrap beside flinkctl, every one with the checks above (ldd, mode), and
    for each: `ENTRYPOINT <server> run --help` exits 0 with that server's usage, and `ENTRYPOINT <server> run ...`
    (the command line the toolbox writes into supervisor and bootstrap pods) passes the server checks above, with the
    server's component in /version: flinkctl finds its siblings in /usr/local/bin and execs them.
Every process is started and stopped by its PID. One summary line per image gives the binary's size and the times.

Usage: python3 Tools/docker/build-like-dockerfile.py [deploy/docker/X.Dockerfile ...] [-v]
(default: every deploy/docker/*.Dockerfile; run as root, from anywhere). Exit code 0 when every image passed.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
STAGING = REPO / ".cache" / "docker-build"
CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Shared libraries of debian:bookworm-slim (libc6, libgcc-s1, libstdc++6, zlib1g) a Swift executable may link.
BASE_LIBRARIES = {
    "linux-vdso.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libc.so.6", "libm.so.6", "libdl.so.2",
    "libpthread.so.0", "librt.so.1", "libutil.so.1", "libgcc_s.so.1", "libstdc++.so.6", "libz.so.1",
}
SERVERS = ("operator", "supervisor", "bootstrap")  # what `flinkctl <name> run ...` runs from beside flinkctl
START_TIMEOUT = 60.0
STOP_TIMEOUT = 45.0  # the bootstrap ends when its task does: one refused upload and report


class Failure(Exception):
    """A check failed; the message says which and why."""


# ----------------------------------------------------------------------------------------------------------- parsing


@dataclass
class Instruction:
    keyword: str
    args: str
    line: int

    def words(self) -> list[str]:
        """Shell-form arguments split into words (JSON form decoded)."""
        text = self.args.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
                if isinstance(value, list) and all(isinstance(v, str) for v in value):
                    return value
            except json.JSONDecodeError:
                pass
        return shlex.split(text)


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction] = field(default_factory=list)

    def of(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]


def parse_dockerfile(path: Path) -> list[Stage]:
    """Stages of a Dockerfile: comment lines dropped, continuation lines joined, instructions upper-cased."""
    stages: list[Stage] = []
    pending, start = "", 0
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and pending):
            continue  # Docker drops comment lines, also inside a continued instruction
        if not stripped:
            continue
        if not pending:
            start = number
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        text = (pending + raw).strip()
        pending = ""
        keyword, _, args = text.partition(" ")
        instruction = Instruction(keyword.upper(), args.strip(), start)
        if instruction.keyword == "FROM":
            words = instruction.args.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(words[0], name))
        elif not stages:
            if instruction.keyword != "ARG":
                raise Failure(f"{path}:{start}: {instruction.keyword} before FROM")
        else:
            stages[-1].instructions.append(instruction)
    if pending:
        raise Failure(f"{path}: the last instruction ends with a continuation")
    if not stages:
        raise Failure(f"{path}: no FROM")
    return stages


def split_flags(words: list[str]) -> tuple[dict[str, str], list[str]]:
    """`--from=build /out/x /usr/local/bin/x` -> ({'from': 'build'}, ['/out/x', '/usr/local/bin/x'])."""
    flags: dict[str, str] = {}
    rest = list(words)
    while rest and rest[0].startswith("--"):
        key, _, value = rest.pop(0)[2:].partition("=")
        flags[key] = value
    return flags, rest


@dataclass
class Image:
    """What one Dockerfile builds and runs, as far as this check needs it."""

    dockerfile: Path
    name: str
    build: Stage
    workdir: str
    copies: list[tuple[list[str], str]]  # (sources in the context, destination in the build stage)
    env: dict[str, str]
    run: str
    executables: list[tuple[str, str]]  # (absolute path in the build stage, absolute path in the runtime image)
    uid: int
    gid: int
    entrypoint: list[str]
    cmd: list[str]
    exposed: list[int]

    @property
    def entry(self) -> tuple[str, str]:
        """The executable ENTRYPOINT runs (the first copied one when ENTRYPOINT names none of them)."""
        return next((e for e in self.executables if e[1] == self.entrypoint[0]), self.executables[0])

    @property
    def artifact(self) -> str:
        return self.entry[0]

    @property
    def install(self) -> str:
        return self.entry[1]

    @property
    def executable(self) -> str:
        return Path(self.install).name

    @property
    def siblings(self) -> list[str]:
        """The toolbox server executables copied beside the entry point (the all-in-one image's)."""
        names = [Path(install).name for _, install in self.executables]
        return [name for name in names if name in SERVERS and name != self.executable]

    def context_key(self) -> str:
        """Builds whose stages see the same files share a staging directory (and so their .build)."""
        text = json.dumps([self.build.base, self.workdir, self.copies, sorted(self.env.items())])
        return "build-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def user_ids(user: str, runtime: Stage) -> tuple[int, int]:
    """USER as numeric ids: a number, or a name created by `useradd --uid N NAME` in the runtime stage."""
    name, _, group = user.partition(":")
    if name.isdigit():
        uid = int(name)
    else:
        uid = None
        for instruction in runtime.of("RUN"):
            match = re.search(r"useradd\b[^&;|]*?--uid[ =](\d+)[^&;|]*?\b" + re.escape(name) + r"\b", instruction.args)
            if match:
                uid = int(match.group(1))
        if uid is None:
            raise Failure(f"USER {user}: no useradd --uid in the runtime stage gives its number")
    gid = int(group) if group.isdigit() else uid
    return uid, gid


def describe(dockerfile: Path) -> Image:
    stages = parse_dockerfile(dockerfile)
    runtime = stages[-1]
    copied = [split_flags(i.words()) for i in runtime.of("COPY")]
    copied = [(flags, paths) for flags, paths in copied if "from" in flags]
    if not copied or len({flags["from"] for flags, _ in copied}) != 1 or any(len(paths) < 2 for _, paths in copied):
        raise Failure(f"{dockerfile}: expected `COPY --from=<stage> SRC... DEST` lines from one stage in the final stage")
    flags = copied[0][0]
    named = {s.name: s for s in stages if s.name}
    build = named.get(flags["from"]) or (stages[int(flags["from"])] if flags["from"].isdigit() else None)
    if build is None or build is runtime:
        raise Failure(f"{dockerfile}: COPY --from={flags['from']} names no earlier stage")
    executables = []
    for _, paths in copied:
        *sources, destination = paths
        if len(sources) > 1 and not destination.endswith("/"):
            raise Failure(f"{dockerfile}: COPY of several files needs a destination ending with /")
        for source in sources:
            install = destination + Path(source).name if destination.endswith("/") else destination
            executables.append((os.path.normpath(source), os.path.normpath(install)))

    workdir, env, copies, runs = "/", {}, [], []
    for instruction in build.instructions:
        keyword = instruction.keyword
        if keyword == "WORKDIR":
            workdir = os.path.normpath(os.path.join(workdir, instruction.args.strip()))
            if copies or runs:
                raise Failure(f"{dockerfile}:{instruction.line}: a WORKDIR after COPY/RUN is not reproduced")
        elif keyword == "COPY":
            copy_flags, paths = split_flags(instruction.words())
            if set(copy_flags) - {"chown", "chmod", "link"} or len(paths) < 2:
                raise Failure(f"{dockerfile}:{instruction.line}: COPY {instruction.args} is not reproduced")
            copies.append((paths[:-1], paths[-1]))
        elif keyword == "ENV":
            words = instruction.words()
            if len(words) >= 2 and "=" not in words[0]:
                env[words[0]] = " ".join(words[1:])
            else:
                for word in words:
                    key, _, value = word.partition("=")
                    env[key] = value
        elif keyword == "RUN":
            if instruction.args.startswith("["):
                raise Failure(f"{dockerfile}:{instruction.line}: an exec-form RUN is not reproduced")
            runs.append(instruction.args)
        elif keyword not in ("ARG", "LABEL"):
            raise Failure(f"{dockerfile}:{instruction.line}: {keyword} in the build stage is not reproduced")
    if len(runs) != 1:
        raise Failure(f"{dockerfile}: expected one RUN in the build stage, found {len(runs)}")

    users = runtime.of("USER")
    if not users:
        raise Failure(f"{dockerfile}: the final stage has no USER: the image would run as root")
    uid, gid = user_ids(users[-1].args.strip(), runtime)
    if uid == 0:
        raise Failure(f"{dockerfile}: USER {users[-1].args} is root")
    entrypoints, cmds = runtime.of("ENTRYPOINT"), runtime.of("CMD")
    if not entrypoints or not entrypoints[-1].args.startswith("["):
        raise Failure(f"{dockerfile}: the final stage needs an exec-form ENTRYPOINT")
    exposed = [int(p.split("/")[0]) for i in runtime.of("EXPOSE") for p in i.words()]
    name = dockerfile.name.removesuffix(".Dockerfile")
    return Image(
        dockerfile=dockerfile, name=name, build=build, workdir=workdir, copies=copies, env=env, run=runs[0],
        executables=executables, uid=uid, gid=gid,
        entrypoint=entrypoints[-1].words(), cmd=cmds[-1].words() if cmds else [], exposed=exposed,
    )


# ------------------------------------------------------------------------------------------------------ build stage


def manifest_paths() -> list[str]:
    """Every target `path:` of Package.swift: each must be in the build stage, or the manifest does not load."""
    return re.findall(r'\bpath:\s*"([^"]+)"', (REPO / "Package.swift").read_text())


def check_mirrors() -> str:
    """Where SwiftPM's github.com packages come from (a fresh directory needs the same)."""
    result = subprocess.run(["git", "config", "--get-regexp", r"^url\..*\.insteadof$"], capture_output=True, text=True)
    for line in result.stdout.splitlines():
        key, _, value = line.partition(" ")
        if value.rstrip("/") == "https://github.com":
            return key[len("url."):-len(".insteadof")]
    print("warning: git has no url.<base>.insteadOf for https://github.com/: SwiftPM will fetch from GitHub", flush=True)
    return "https://github.com/"


def stage_path(root: Path, absolute: str) -> Path:
    return root / absolute.lstrip("/")


def staged_entries(image: Image, root: Path) -> dict[Path, tuple[str, str]]:
    """What the COPY lines put into the stage, with Docker's semantics for directories (their contents), files and
    globs: staged path -> ("dir", ""), ("file", source) or ("link", target); symbolic links in directories are kept."""
    entries: dict[Path, tuple[str, str]] = {}

    def add_tree(source: Path, target: Path) -> None:
        entries[target] = ("dir", "")
        for current, directories, files in os.walk(source):
            here = Path(current)
            for name in sorted(directories + files):
                path, staged = here / name, target / (here / name).relative_to(source)
                if path.is_symlink():
                    entries[staged] = ("link", os.readlink(path))
                elif path.is_dir():
                    entries[staged] = ("dir", "")
                else:
                    entries[staged] = ("file", str(path))
            directories[:] = [d for d in directories if not (here / d).is_symlink()]

    for sources, destination in image.copies:
        target = stage_path(root, os.path.normpath(os.path.join(image.workdir, destination)))
        into_directory = destination.endswith("/") or len(sources) > 1
        for source in sources:
            matches = sorted(glob.glob(str(REPO / source))) if glob.has_magic(source) else [str(REPO / source)]
            matches = [m for m in matches if os.path.exists(m)]
            if not matches:
                raise Failure(f"{image.dockerfile.name}: COPY {source}: not found in the build context")
            for match in matches:
                path = Path(match)
                if path.is_dir():
                    add_tree(path, target)
                else:
                    is_directory = into_directory or entries.get(target, ("",))[0] == "dir"
                    entries[target / path.name if is_directory else target] = ("file", str(path.resolve()))
    return entries


def prepare_stage(image: Image, root: Path) -> None:
    """Makes the staging root hold exactly what the COPY lines copy, plus the work directory's .build. Unchanged
    files are left alone (same size and time), so the build stays incremental: llbuild notices a new inode too."""
    work = stage_path(root, image.workdir)
    keep = work / ".build"
    entries = staged_entries(image, root)
    needed_directories = {root, work} | {parent for path in entries for parent in path.parents if parent.is_relative_to(root)}
    if root.exists():
        for current, directories, files in os.walk(root, topdown=True):
            here = Path(current)
            for name in files:
                path = here / name
                entry = entries.get(path)
                if entry is None or entry[0] == "dir" or (entry[0] == "link") != path.is_symlink() or (
                    entry[0] == "link" and os.readlink(path) != entry[1]
                ):
                    path.unlink()
            for name in list(directories):
                child = here / name
                entry = entries.get(child)
                if child == keep:
                    directories.remove(name)
                elif child.is_symlink():
                    if entry != ("link", os.readlink(child)):
                        child.unlink()
                    directories.remove(name)
                elif (entry is None or entry[0] != "dir") and child not in needed_directories:
                    shutil.rmtree(child)
                    directories.remove(name)
    for path, (kind, value) in sorted(entries.items()):
        if kind == "dir":
            path.mkdir(parents=True, exist_ok=True)
        elif kind == "link":
            if not path.is_symlink():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.symlink_to(value)
        else:
            source = os.stat(value)
            if path.exists() and not path.is_symlink():
                current = os.stat(path)
                if (current.st_size, current.st_mtime_ns, current.st_mode) == (source.st_size, source.st_mtime_ns, source.st_mode):
                    continue
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(value, path)
    work.mkdir(parents=True, exist_ok=True)
    staged = [p for p in manifest_paths() if not stage_path(root, os.path.join(image.workdir, p)).is_dir()]
    if staged:
        raise Failure(
            f"{image.dockerfile.name}: Package.swift needs {', '.join(staged)} but no COPY copies "
            f"{'it' if len(staged) == 1 else 'them'} into {image.workdir} (the manifest would not load in Docker)"
        )


def rewrite_paths(command: str, image: Image, root: Path) -> str:
    """Absolute paths of the build stage (its WORKDIR and where the artifact goes) rewritten into the staging root."""
    tops = {"/" + p.strip("/").split("/")[0] for p in [image.workdir, *(a for a, _ in image.executables)]} - {"/"}
    for top in sorted(tops, key=len, reverse=True):
        command = re.sub(
            r"(?<![\w./-])" + re.escape(top) + r"(?=[/\s\"';&|)]|$)", str(stage_path(root, top)), command
        )
    return command


def build(image: Image, verbose: bool) -> tuple[Path, float]:
    """Runs the build stage in its staging directory; returns its root and the build's seconds."""
    root = STAGING / image.context_key() / "root"
    prepare_stage(image, root)
    for artifact_top in {stage_path(root, "/" + a.strip("/").split("/")[0]) for a, _ in image.executables}:
        if artifact_top != stage_path(root, image.workdir) and not stage_path(root, image.workdir).is_relative_to(artifact_top):
            shutil.rmtree(artifact_top, ignore_errors=True)  # a fresh /out, as in a new build
    command = rewrite_paths(image.run, image, root)
    log = STAGING / f"{image.name}-build.log"
    print(f"[{image.name}] RUN {command}", flush=True)
    started = time.monotonic()
    with open(log, "w") as output:
        process = subprocess.Popen(
            ["bash", "-c", command], cwd=stage_path(root, image.workdir), env={**os.environ, **image.env},
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        )
        try:
            assert process.stdout is not None
            for line in process.stdout:
                output.write(line)
                if verbose:
                    sys.stdout.write(f"[{image.name}] {line}")
            status = process.wait()
        finally:
            if process.poll() is None:  # interrupted: stop the build's own process group (bash, swift-build, swiftc)
                os.killpg(process.pid, signal.SIGTERM)
                process.wait()
    seconds = time.monotonic() - started
    if status != 0:
        tail = "".join(log.read_text().splitlines(keepends=True)[-40:])
        raise Failure(f"{image.dockerfile.name}: the build stage's RUN exited {status} after {seconds:.0f} s "
                      f"(log {log.relative_to(REPO)}):\n{tail}")
    for artifact, _ in image.executables:
        if not stage_path(root, artifact).is_file():
            raise Failure(f"{image.dockerfile.name}: the RUN did not produce {artifact}")
    return root, seconds


# ---------------------------------------------------------------------------------------------------- runtime stage


def install(image: Image, stage_root: Path) -> dict[str, Path]:
    """COPY --from=build: every executable at its place in the image's (partial) filesystem; their staged paths by
    path in the image."""
    image_root = STAGING / "images" / image.name
    shutil.rmtree(image_root, ignore_errors=True)
    binaries = {}
    for artifact, destination in image.executables:
        binary = stage_path(image_root, destination)
        binary.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(stage_path(stage_root, artifact), binary)
        for directory in [binary.parent, *binary.parent.parents]:  # the non-root user must reach it
            if directory == Path("/"):
                break
            if not os.stat(directory).st_mode & 0o001:
                raise Failure(f"{directory} is not searchable by others: UID {image.uid} cannot run {binary}")
        if not os.stat(binary).st_mode & 0o001:
            raise Failure(f"{destination} is not executable by others (mode {oct(os.stat(binary).st_mode)})")
        binaries[destination] = binary
    if image.entrypoint[0] not in binaries:
        raise Failure(f"ENTRYPOINT {image.entrypoint[0]} is not a copied executable ({', '.join(binaries)})")
    return binaries


def check_libraries(image: Image, binary: Path) -> None:
    result = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
    if result.returncode != 0:
        raise Failure(f"ldd {binary}: {result.stderr.strip() or result.stdout.strip()}")
    libraries = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    swift = [lib for lib in libraries if "swift" in lib.lower() or "Foundation" in lib or "dispatch" in lib.lower()]
    if swift:
        raise Failure(f"{image.name}: links the Swift runtime dynamically ({', '.join(swift)}): not --static-swift-stdlib")
    missing = [line.strip() for line in result.stdout.splitlines() if "not found" in line]
    foreign = [Path(lib).name for lib in libraries if Path(lib).name not in BASE_LIBRARIES]
    if missing or foreign:
        raise Failure(f"{image.name}: needs libraries debian:bookworm-slim lacks: {', '.join(missing + foreign)}")


def as_user(image: Image, argv: list[str]) -> list[str]:
    return ["setpriv", f"--reuid={image.uid}", f"--regid={image.gid}", "--clear-groups", "--", *argv]


def container_argv(image: Image, binary: Path, arguments: list[str]) -> list[str]:
    return as_user(image, [str(binary), *image.entrypoint[1:], *arguments])


CONTAINER_ENV = {"PATH": CONTAINER_PATH, "HOME": "/", "HOSTNAME": "image-check"}


def expected_version() -> str:
    match = re.search(r"^info:\s*\n(?:[ \t].*\n)*?[ \t]+version:\s*['\"]?([^'\"\s]+)", (REPO / "openapi/toolbox.yaml").read_text(), re.M)
    if not match:
        raise Failure("openapi/toolbox.yaml: no info.version")
    return match.group(1)


def help_ports(image: Image, binary: Path) -> set[int] | None:
    """Ports the executable's --help names ("... on port 4444, metrics on 8080"), if it names them."""
    result = subprocess.run(container_argv(image, binary, ["--help"]), capture_output=True, text=True, env=CONTAINER_ENV,
                            cwd="/", timeout=30)
    match = re.search(r"port (\d+), metrics on (\d+)", result.stdout + result.stderr)
    return {int(match.group(1)), int(match.group(2))} if match else None


def required_options(executable: str, scratch: Path, refused_port: int) -> tuple[list[str], int, str]:
    """Minimal valid options for what each component requires (every peer is a loopback port that refuses), the exit
    code expected after SIGTERM, and why.

    The operator and supervisor serve until SIGTERM and then exit 0. The bootstrap is a one-shot task: graceful
    shutdown waits for its task, which here fails (its Flink and supervisor refuse), so it exits 1. That is what a
    Kubernetes Job needs: exit 0 would count as a started job."""
    kubeconfig = scratch / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: unreachable\n"
        f"clusters:\n- name: unreachable\n  cluster:\n    server: https://127.0.0.1:{refused_port}\n"
        "    insecure-skip-tls-verify: true\n"
        "users:\n- name: unreachable\n  user:\n    token: image-check\n"
        "contexts:\n- name: unreachable\n  context:\n    cluster: unreachable\n    user: unreachable\n"
    )
    jar = scratch / "job.jar"
    jar.write_bytes(b"")
    for path in (kubeconfig, jar):
        path.chmod(0o644)
    unreachable = f"http://127.0.0.1:{refused_port}"
    serves = (0, "SIGTERM -> exit 0")
    return {
        "operator": (["--namespace", "image-check", "--kube-config", str(kubeconfig)], *serves),
        "supervisor": (["--namespace", "image-check", "--cluster-name", "x", "--kube-config", str(kubeconfig)], *serves),
        "bootstrap": ([
            "--cluster-name", "x", "--job-name", "j", "--jar-path", str(jar), "--class-name", "Main",
            "--jobmanager-url", unreachable, "--supervisor-url", unreachable, "--attempts", "1", "--retry-delay", "0",
        ], 1, "SIGTERM -> its task (peers refuse) failed -> exit 1"),
    }.get(executable, ([], *serves))


def read(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def stop(pid: int, seconds: float) -> int | None:
    """SIGTERM to one PID and its exit status, or None (then SIGKILL) when it did not stop in time."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def check_server(image: Image, binary: Path, version: str, executable: str | None = None,
                 command: list[str] | None = None) -> str:
    """The image serves as `executable` (default: its own) when run with `command` (default: its CMD): /version,
    /metrics, non-root UID, SIGTERM."""
    executable = executable or image.executable
    if command is None:
        named = help_ports(image, binary)
        if named is not None and named != set(image.exposed):
            raise Failure(f"{image.name}: EXPOSE {sorted(image.exposed)} but the executable's --help names ports {sorted(named)}")
    label = image.name if executable == image.executable else f"{image.name} {executable}"
    scratch = Path(tempfile.mkdtemp(prefix=f"image-check-{image.name}-"))
    scratch.chmod(0o755)
    refusing = socket.socket()  # bound, never listening: connections to it are refused, and no one else takes it
    refusing.bind(("127.0.0.1", 0))
    log = STAGING / f"{label.replace(' ', '-')}-run.log"
    process = None
    try:
        arguments = [*(image.cmd if command is None else command), "--bind-address", "127.0.0.1", "--port", "0",
                     "--monitoring-port", "0"]
        extra, expected_exit, stopping = required_options(executable, scratch, refusing.getsockname()[1])
        arguments += extra
        argv = container_argv(image, binary, arguments)
        with open(log, "w") as output:
            started = time.monotonic()
            process = subprocess.Popen(argv, cwd="/", env=CONTAINER_ENV, stdin=subprocess.DEVNULL, stdout=output,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        port = None
        while time.monotonic() - started < START_TIMEOUT:
            match = re.search(r"monitoring listening on port (\d+)", read(log))
            if match:
                port = int(match.group(1))
                break
            if process.poll() is not None:
                raise Failure(f"{image.name}: exited {process.returncode} before listening:\n{read(log)[-3000:]}")
            time.sleep(0.05)
        if port is None:
            raise Failure(f"{image.name}: no 'monitoring listening on port' line in {START_TIMEOUT:.0f} s:\n{read(log)[-3000:]}")
        if "api listening on port" not in read(log):
            time.sleep(0.5)
        uids = re.search(r"^Uid:\s+(.*)$", Path(f"/proc/{process.pid}/status").read_text(), re.M)
        if not uids or set(uids.group(1).split()) != {str(image.uid)}:
            raise Failure(f"{image.name}: runs with UIDs {uids.group(1) if uids else '?'}, not {image.uid}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/version", timeout=10) as answer:
            status, body = answer.status, answer.read().decode()
        answered = time.monotonic() - started
        document = json.loads(body)
        wanted = {"name": "flink-k8s-toolbox", "version": version, "component": executable}
        if status != 200 or any(document.get(k) != v for k, v in wanted.items()):
            raise Failure(f"{image.name}: GET /version answered {status} {body}, expected {json.dumps(wanted)}")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            if answer.status != 200:
                raise Failure(f"{image.name}: GET /metrics answered {answer.status}")
        pid, process = process.pid, None
        code = stop(pid, STOP_TIMEOUT)
        if code != expected_exit:
            what = "did not stop within" if code is None else f"exited {code} within"
            raise Failure(f"{image.name}: after SIGTERM it {what} {STOP_TIMEOUT:.0f} s:\n{read(log)[-3000:]}")
        if f"{executable} stopped" not in read(log) and expected_exit == 0:
            raise Failure(f"{image.name}: exited 0 without logging that it stopped:\n{read(log)[-3000:]}")
        return f"/version 200 {json.dumps(document, separators=(',', ':'))} after {answered:.1f} s, {stopping}"
    except (urllib.error.URLError, OSError, json.JSONDecodeError) as error:
        raise Failure(f"{image.name}: {error}\n{read(log)[-3000:]}") from error
    finally:
        if process is not None and process.poll() is None:
            stop(process.pid, 2)
        refusing.close()
        shutil.rmtree(scratch, ignore_errors=True)


def check_tool(image: Image, binary: Path, version: str) -> str:
    started = time.monotonic()
    result = subprocess.run(container_argv(image, binary, image.cmd), capture_output=True, text=True, env=CONTAINER_ENV,
                            cwd="/", timeout=60)
    if result.returncode != 0:
        raise Failure(f"{image.name}: ENTRYPOINT+CMD exited {result.returncode}:\n{result.stderr[-2000:]}")
    result = subprocess.run(container_argv(image, binary, ["--version"]), capture_output=True, text=True,
                            env=CONTAINER_ENV, cwd="/", timeout=60)
    if result.returncode != 0 or result.stdout.strip() != version:
        raise Failure(f"{image.name}: --version exited {result.returncode} printing {result.stdout.strip()!r}, expected {version}")
    return f"{' '.join(image.cmd) or '(no CMD)'} exit 0, --version {version} ({time.monotonic() - started:.1f} s)"


def check_siblings(image: Image, binary: Path, version: str) -> str:
    """The all-in-one image: `ENTRYPOINT <server> run --help` prints that server's own help, and
    `ENTRYPOINT <server> run ...` serves as that server (the command line the toolbox writes into its pods), for each
    server executable copied beside the entry point."""
    missing = [name for name in SERVERS if name not in image.siblings]
    if missing:
        raise Failure(f"{image.name}: the all-in-one image lacks {', '.join(missing)} beside {image.install}")
    checked = []
    for sibling in image.siblings:
        result = subprocess.run(container_argv(image, binary, [sibling, "run", "--help"]), capture_output=True,
                                text=True, env=CONTAINER_ENV, cwd="/", timeout=60)
        if result.returncode != 0 or f"USAGE: {sibling} run" not in result.stdout:
            raise Failure(f"{image.name}: `{image.executable} {sibling} run --help` exited {result.returncode} without "
                          f"the {sibling}'s usage:\n{(result.stdout + result.stderr)[-2000:]}")
        served = check_server(image, binary, version, executable=sibling, command=[sibling, "run"])
        checked.append(f"`{sibling} run --help` usage, `{sibling} run` {served}")
    return "; ".join(checked)


# ---------------------------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dockerfiles", nargs="*", type=Path, help="default: deploy/docker/*.Dockerfile")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the builds' output as they run")
    options = parser.parse_args()
    if os.geteuid() != 0:
        print("run as root (the build stage runs as root, and setpriv switches to the image's USER)", file=sys.stderr)
        return 2
    dockerfiles = [p.resolve() for p in options.dockerfiles] or sorted((REPO / "deploy/docker").glob("*.Dockerfile"))
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.strip().splitlines()
    print(f"toolchain: {swift[0] if swift else 'swift not found'}; github.com packages from {check_mirrors()}", flush=True)
    STAGING.mkdir(parents=True, exist_ok=True)
    for directory in (REPO / ".cache", STAGING):
        directory.chmod(directory.stat().st_mode | 0o005)  # the image's user must reach images/
    version = expected_version()
    summaries, failed = [], False
    total = time.monotonic()
    for dockerfile in dockerfiles:
        name = dockerfile.name.removesuffix(".Dockerfile")
        try:
            image = describe(dockerfile)
            stage_root, build_seconds = build(image, options.verbose)
            binaries = install(image, stage_root)
            for staged in binaries.values():
                check_libraries(image, staged)
            binary = binaries[image.install]
            ran = check_server(image, binary, version) if image.exposed else check_tool(image, binary, version)
            if image.executable == "flinkctl":
                ran += f"; beside it {check_siblings(image, binary, version)}"
            size = sum(staged.stat().st_size for staged in binaries.values()) / 2**20
            shipped = image.install if len(binaries) == 1 else f"{len(binaries)} executables ({', '.join(binaries)})"
            summaries.append(
                f"{name}: ok  {shipped} {size:.1f} MiB, static Swift stdlib, build {build_seconds:.0f} s, "
                f"UID {image.uid}, {ran}"
            )
        except Failure as error:
            failed = True
            summaries.append(f"{name}: FAILED  {str(error).splitlines()[0]}")
            print(f"[{name}] FAILED: {error}", file=sys.stderr, flush=True)
        print(summaries[-1], flush=True)
    print(f"\nimages-check ({time.monotonic() - total:.0f} s in all):")
    for line in summaries:
        print("  " + line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
