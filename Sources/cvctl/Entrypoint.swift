import CVCommands

/// The `cvctl` executable: everything lives in the `CVCommands` library.
@main
struct Entrypoint {
    static func main() async {
        await CVCtl.main()
    }
}
