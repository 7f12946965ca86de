import Bootstrap

await BootstrapProgram.main()
