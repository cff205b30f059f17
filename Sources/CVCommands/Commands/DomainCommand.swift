import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// `cvctl domain list`.
public struct DomainCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "domain",
        abstract: "List the service's domains.",
        discussion: "Example:\n  cvctl domain list --output json",
        subcommands: [List.self])

    public init() {}

    struct List: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List domains.", discussion: "Example:\n  cvctl domain list")
        @OptionGroup var global: GlobalOptions

        func run(_ context: CommandContext) async throws {
            let domains = try await context.training().getDomains()
            try context.console.emit(domains) { domains in
                TextTable(headers: ["ID", "NAME", "TYPE", "EXPORTABLE"], rows: domains.map {
                    [$0.id.lowercasedText, $0.name ?? "-", $0.type?.rawValue ?? "-",
                     $0.exportable == true ? "yes" : "no"]
                })
            }
        }
    }
}
