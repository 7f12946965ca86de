"""The Flink image's entrypoint (docker-entrypoint.sh) for a Flink distribution installed from PyPI.

For the args `jobmanager` / `taskmanager` it writes a private conf dir (`<pod>/<container>/flink/conf`) with a
`config.yaml` made of the defaults that work on this machine (Tools/flink/cluster.sh), every address bound to
the pod IP, then `JOB_MANAGER_RPC_ADDRESS` -> `jobmanager.rpc.address`,
`TASK_MANAGER_NUMBER_OF_TASK_SLOTS` -> `taskmanager.numberOfTaskSlots`, then the `FLINK_PROPERTIES` lines
(last wins), and runs `jobmanager.sh` / `taskmanager.sh start-foreground` as the container process.
Any other command runs as is, with FLINK_HOME, FLINK_CONF_DIR and `$FLINK_HOME/bin` on the PATH.

Older Flink (from the version of `lib/flink-dist*.jar`): before 1.19 the file is `flink-conf.yaml` (1.18 and older
do not read config.yaml); before 1.20 the checkpoint and savepoint directories are `state.checkpoints.dir` and
`state.savepoints.dir`; before 1.18 the JVM options key is `env.java.opts` and no `--add-opens` list is shipped,
so the one of 1.18+ (JAVA17_OPENS) is used: Java 17 refuses Flink's reflection without it.
"""
from __future__ import annotations

import os
import re
import shutil

# The list Flink 1.18+ ships for Java 17 (conf/config.yaml env.java.opts.all), for versions that ship none.
JAVA17_OPENS = " ".join([
    "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
    *(f"--add-exports=jdk.compiler/com.sun.tools.javac.{p}=ALL-UNNAMED" for p in ("api", "file", "parser", "tree",
                                                                                  "util")),
    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
    *(f"--add-opens=java.base/{p}=ALL-UNNAMED" for p in ("java.lang", "java.net", "java.io", "java.nio",
                                                          "sun.nio.ch", "java.lang.reflect", "java.text", "java.time",
                                                          "java.util", "java.util.concurrent",
                                                          "java.util.concurrent.atomic", "java.util.concurrent.locks"))])


def flink_version(flink_home: str) -> tuple[int, int]:
    """(major, minor) from `lib/flink-dist-<version>.jar` (or `flink-dist_<scala>-<version>.jar`); (99, 0) if unknown."""
    try:
        names = os.listdir(os.path.join(flink_home, "lib"))
    except OSError:
        names = []
    for name in names:
        match = re.match(r"flink-dist(?:_[0-9.]+)?-(\d+)\.(\d+)", name)
        if match:
            return int(match.group(1)), int(match.group(2))
    return 99, 0


def _java_opens(flink_home: str) -> str:
    """The `--add-opens` list of the shipped config (Java 17 needs it), else JAVA17_OPENS."""
    for name in ("config.yaml", "flink-conf.yaml"):
        try:
            with open(os.path.join(flink_home, "conf", name)) as handle:
                for line in handle:
                    key = line.strip().split(":", 1)[0]
                    if key in ("all", "env.java.opts.all", "env.java.opts") and "--add-" in line:
                        return line.split(":", 1)[1].strip()
        except OSError:
            pass
    return JAVA17_OPENS


def base_config(flink_home: str, work: str, pod_ip: str, shared: str) -> dict[str, str]:
    """The defaults of cluster.sh, bound to the pod IP, with logs/tmp under `work` and state under `shared`."""
    version = flink_version(flink_home)
    new_dirs = version >= (1, 20)
    return {
        "env.java.opts.all" if version >= (1, 18) else "env.java.opts": _java_opens(flink_home),
        "env.log.dir": os.path.join(work, "log"),
        "env.pid.dir": os.path.join(work, "tmp"),
        "jobmanager.rpc.address": pod_ip,
        "jobmanager.rpc.port": "6123",
        "jobmanager.bind-host": pod_ip,
        "jobmanager.memory.process.size": "768m",
        "taskmanager.host": pod_ip,
        "taskmanager.bind-host": pod_ip,
        "taskmanager.numberOfTaskSlots": "1",
        "taskmanager.memory.process.size": "1024m",
        "parallelism.default": "1",
        "rest.address": pod_ip,
        "rest.bind-address": pod_ip,
        "rest.port": "8081",
        "blob.server.port": "6124",
        "io.tmp.dirs": os.path.join(work, "tmp"),
        "web.tmpdir": os.path.join(work, "tmp"),
        "web.upload.dir": os.path.join(work, "upload"),
        "execution.checkpointing.interval": "2s",
        "execution.checkpointing.dir" if new_dirs else "state.checkpoints.dir":
            "file://" + os.path.join(shared, "checkpoints"),
        "execution.checkpointing.savepoint-dir" if new_dirs else "state.savepoints.dir":
            "file://" + os.path.join(shared, "savepoints"),
        "heartbeat.interval": "2000",
        "heartbeat.timeout": "10000",
        "cluster.registration.error-delay": "1000",  # ms: a Long before 1.19, a Duration after
        "metrics.fetcher.update-interval": "1000",
        "web.refresh-interval": "500",
    }


def parse_properties(text: str) -> dict[str, str]:
    """`key: value` lines of FLINK_PROPERTIES (comments and blank lines skipped)."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and ":" in line:
            key, value = line.split(":", 1)
            out[key.strip()] = value.strip()
    return out


def write_conf(flink_home: str, work: str, pod_ip: str, shared: str, env: dict) -> str:
    """Create `work/conf` (config.yaml, or flink-conf.yaml before 1.19, + the logging files); returns the conf dir."""
    conf = os.path.join(work, "conf")
    if os.path.isdir(conf):
        shutil.rmtree(conf)
    for sub in ("conf", "log", "tmp", "upload"):
        os.makedirs(os.path.join(work, sub), exist_ok=True)
    for name in os.listdir(os.path.join(flink_home, "conf")):
        if name.startswith(("log4j", "logback")):
            shutil.copy(os.path.join(flink_home, "conf", name), conf)
    config = base_config(flink_home, work, pod_ip, shared)
    if env.get("JOB_MANAGER_RPC_ADDRESS"):
        config["jobmanager.rpc.address"] = env["JOB_MANAGER_RPC_ADDRESS"]
    if env.get("TASK_MANAGER_NUMBER_OF_TASK_SLOTS"):
        config["taskmanager.numberOfTaskSlots"] = env["TASK_MANAGER_NUMBER_OF_TASK_SLOTS"]
    config.update(parse_properties(env.get("FLINK_PROPERTIES", "")))
    os.makedirs(shared, exist_ok=True)
    name = "config.yaml" if flink_version(flink_home) >= (1, 19) else "flink-conf.yaml"
    with open(os.path.join(conf, name), "w") as handle:
        handle.writelines(f"{key}: {value}\n" for key, value in config.items())
    return conf


def command(flink_home: str, work: str, pod_ip: str, shared: str, argv: list[str], env: dict,
            pod_name: str) -> tuple[list[str], dict]:
    """The process argv and extra env for a Flink container whose (entrypoint) args are `argv`."""
    conf = write_conf(flink_home, work, pod_ip, shared, env)
    extra = {"FLINK_HOME": flink_home, "FLINK_CONF_DIR": conf,
             "PATH": os.path.join(flink_home, "bin") + os.pathsep + env.get("PATH", os.environ.get("PATH", ""))}
    if argv and argv[0] == "jobmanager":
        return [os.path.join(flink_home, "bin", "jobmanager.sh"), "start-foreground", *argv[1:]], extra
    if argv and argv[0] == "taskmanager":
        return [os.path.join(flink_home, "bin", "taskmanager.sh"), "start-foreground",
                f"-Dtaskmanager.resource-id={pod_name}", *argv[1:]], extra
    return argv, extra
