import Flinkctl

await FlinkctlProgram.main()
