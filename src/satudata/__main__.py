from satudata.cli import main

main()
