import Supervisor

await SupervisorProgram.main()
