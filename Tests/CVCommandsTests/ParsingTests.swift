import ArgumentParser
import CVTestSupport
import CustomVisionDatasets
import Foundation
import Testing

@testable import CVCommands

struct ParsingTests {
    @Test func parsesUploadWithEveryOption() throws {
        let id = UUID()
        let command = try CVCtl.parseAsRoot([
            "upload", "data/", "--project", id.uuidString, "--format", "voc", "--size", "320", "--mode", "fit",
            "--concurrency", "8", "--no-prep", "--report", "r.json", "--output", "json",
        ])
        let upload = try #require(command as? UploadCommand)
        #expect(upload.dataset == "data/")
        #expect(upload.project == id)
        #expect(upload.format == .voc)
        #expect(upload.size == 320 && upload.mode == .fit && upload.concurrency == 8 && upload.noPrep)
        #expect(upload.global.output.output == .json)
    }

    @Test func rejectsBadValuesAsUsageErrors() {
        for arguments in [
            ["upload", "d", "--project", "not-a-uuid"],
            ["upload", "d", "--project", UUID().uuidString, "--size", "0"],
            ["train", "--project", UUID().uuidString, "--budget", "2"],
            ["performance", "--project", UUID().uuidString, "--threshold", "2"],
            ["project", "create", "x", "--type", "detection", "--multilabel"],
            ["project", "list", "--quiet", "--verbose"],
            ["evaluate", "d", "--project", UUID().uuidString, "--name", "n", "--threshold", "7"],
            ["evaluate", "d", "--project", UUID().uuidString, "--name", "n", "--min-map", "1.5"],
            ["config", "unset", "training_key"],
            ["predict", "a.jpg", "--project", UUID().uuidString, "--name", "n", "--size", "0"],
            ["quick-test", "a.jpg", "--project", UUID().uuidString, "--size", "99999"],
            ["evaluate", "d", "--project", UUID().uuidString, "--name", "n", "--size", "8"],
            ["dataset", "prepare", "d", "--out", "o", "--size", "0"],
            ["dataset", "prepare", "d", "--out", "o", "--quality", "0"],
            ["predict", "a.jpg", "--project", UUID().uuidString, "--name", "n", "--concurrency", "0"],
            ["evaluate", "d", "--project", UUID().uuidString, "--name", "n", "--concurrency", "1000"],
            ["upload", "d", "--project", UUID().uuidString, "--rate", "-1"],
            ["image", "download", "--project", UUID().uuidString, "--to", "o", "--concurrency", "33"],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try CVCtl.parseAsRoot(arguments) }
            #expect(CVCtl.exitCode(for: CVCtl.catchParse(arguments)) == ExitCode(64), "\(arguments)")
        }
    }

    @Test func parsesPredictPerformanceAndPublish() throws {
        let id = UUID()
        let predict = try #require(try CVCtl.parseAsRoot(
            ["predict", "a.jpg", "dir/", "--project", id.uuidString, "--name", "v1", "--draw", "out", "--no-store"])
            as? PredictCommand)
        #expect(predict.inputs == ["a.jpg", "dir/"] && predict.noStore && predict.draw == "out")
        let performance = try #require(try CVCtl.parseAsRoot(
            ["performance", "--project", id.uuidString, "--sweep", "--min-map", "0.5"]) as? PerformanceCommand)
        #expect(performance.sweep && performance.gates.minMap == 0.5 && performance.threshold == 0.25)
        #expect(performance.overlap == 0.3)
        let publish = try #require(try CVCtl.parseAsRoot(
            ["publish", "--project", id.uuidString, "--name", "n", "--unpublish-previous"]) as? PublishCommand)
        #expect(publish.unpublishPrevious)
    }

    /// Every row of the README's exit code table is in `cvctl --help`, word for word (backticks aside).
    @Test func helpListsTheReadmeExitCodes() throws {
        let readme = try String(contentsOf: FixturePaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let table = try #require(readme.components(separatedBy: "**Exit codes**").last)
        let rows = table.split(separator: "\n")
            .map { $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
            .filter { $0.count == 2 && Int($0[0]) != nil }
        #expect(rows.count == 8)
        let help = try #require(CVCtl.configuration.discussion.components(separatedBy: "Exit codes:").last)
        for row in rows {
            let entry = row[0] + " " + row[1].replacingOccurrences(of: "`", with: "")
            #expect(help.contains(entry), "cvctl --help lacks '\(entry)'")
        }
    }

    @Test func everyCommandHasHelpWithExamples() {
        for path in CVCtl.allCommandPaths {
            let help = CVCtl.helpMessage(for: path.last!, includeHidden: false, columns: 120)
            #expect(help.contains("Example"), "\(path.map { "\($0._commandName)" })")
        }
    }
}

extension CVCtl {
    /// The error parsing `arguments` throws, if any.
    static func catchParse(_ arguments: [String]) -> any Error {
        do {
            _ = try parseAsRoot(arguments)
            return CLIError.unexpected("parsed")
        } catch {
            return error
        }
    }

    /// Every leaf command's path from the root.
    static var allCommandPaths: [[any ParsableCommand.Type]] {
        func walk(_ command: any ParsableCommand.Type, _ path: [any ParsableCommand.Type])
            -> [[any ParsableCommand.Type]]
        {
            let children = command.configuration.subcommands
                + command.configuration.groupedSubcommands.flatMap(\.subcommands)
            if children.isEmpty { return [path + [command]] }
            return children.flatMap { walk($0, path + [command]) }
        }
        return walk(CVCtl.self, [])
    }
}
