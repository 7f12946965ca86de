import Operator

await OperatorProgram.main()
