import FlakeLockCommands

@main
enum Entrypoint {
    static func main() async {
        await FlakeLockCommand.main()
    }
}
