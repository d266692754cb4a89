from trilingual.cli import main

main()
