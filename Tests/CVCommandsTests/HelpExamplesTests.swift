import ArgumentParser
import Foundation
import Testing

@testable import CVCommands

/// Every `cvctl …` example in `--help` parses: no example names a flag, value or argument that does not exist.
struct HelpExamplesTests {
    /// Every command and subcommand by its path of names (`["project", "create"]`), depth first.
    static func commands(_ roots: [any ParsableCommand.Type], path: [String] = [])
        -> [([String], any ParsableCommand.Type)]
    {
        roots.flatMap { command -> [([String], any ParsableCommand.Type)] in
            let name = Self.name(command)
            return [(path + [name], command)] + commands(command.configuration.subcommands, path: path + [name])
        }
    }

    private static func name<C: ParsableCommand>(_ command: C.Type) -> String { command._commandName }

    private static func parse<C: ParsableCommand>(_ command: C.Type, _ arguments: [String]) throws {
        _ = try command.parseAsRoot(arguments)
    }

    /// The `cvctl …` lines of a help discussion (a line ending in ` \` continued on the next), as arguments, with the
    /// `0f6c…`-style id placeholders replaced by real UUIDs (also the `ID` placeholder) and shell quoting removed.
    /// Lines using command substitution or pipes are left out.
    static func examples(_ discussion: String) -> [[String]] {
        discussion.replacingOccurrences(of: " \\\n", with: " ").split(separator: "\n").compactMap { line -> [String]? in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("cvctl "), !text.contains("$("), !text.contains("|") else { return nil }
            return words(String(text.dropFirst("cvctl ".count))).map { word in
                word.contains("…") || word == "ID" ? UUID().uuidString : word
            }
        }
    }

    /// `text` split at spaces outside double quotes, the quotes removed.
    static func words(_ text: String) -> [String] {
        var words: [String] = [], current = "", quoted = false
        for character in text {
            if character == "\"" {
                quoted.toggle()
            } else if character == " ", !quoted {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    @Test func everyHelpExampleParses() throws {
        let all = Self.commands(CVCtl.trainingCommands + CVCtl.predictionCommands + CVCtl.localCommands)
        var count = 0
        let discussions = [CVCtl.configuration.discussion] + all.map { $0.1.configuration.discussion }
        for discussion in discussions {
            for arguments in Self.examples(discussion) {
                count += 1
                // Parse with the command the example names (parsing from the root is slow in debug builds).
                let line = "cvctl " + arguments.joined(separator: " ")
                guard let match = all.filter({ arguments.starts(with: $0.0) }).max(by: { $0.0.count < $1.0.count })
                else {
                    Issue.record("\(line) names no command")
                    continue
                }
                do {
                    try Self.parse(match.1, Array(arguments.dropFirst(match.0.count)))
                } catch {
                    Issue.record("\(line): \(error)")
                }
            }
        }
        #expect(count > 50)
    }

    /// `--help` wraps a discussion at the terminal's width, 80 columns when it is not a terminal, and a line of 80
    /// or more characters is broken at a space: an example broken there no longer runs when pasted. Long examples
    /// are continued on the next line with ` \` instead.
    @Test func noExampleLineIsWrappedAt80Columns() {
        let all = Self.commands(CVCtl.trainingCommands + CVCtl.predictionCommands + CVCtl.localCommands)
        let discussions = [CVCtl.configuration.discussion] + all.map { $0.1.configuration.discussion }
        var checked = 0
        for discussion in discussions {
            var continued = false
            for line in discussion.split(separator: "\n", omittingEmptySubsequences: false) {
                let example = continued || line.trimmingCharacters(in: .whitespaces).hasPrefix("cvctl ")
                continued = example && line.hasSuffix(" \\")
                guard example else { continue }
                checked += 1
                #expect(line.count < 80, "\(line.count) columns: \(line)")
            }
        }
        #expect(checked > 50)
    }

    @Test func everyLeafCommandHasAnExampleOfItself() {
        let all = Self.commands(CVCtl.trainingCommands + CVCtl.predictionCommands + CVCtl.localCommands)
        for (path, command) in all where command.configuration.subcommands.isEmpty {
            let examples = Self.examples(command.configuration.discussion)
            #expect(examples.contains { $0.starts(with: path) }, "cvctl \(path.joined(separator: " ")) has no example")
        }
    }
}
