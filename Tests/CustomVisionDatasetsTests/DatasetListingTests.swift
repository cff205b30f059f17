import CVTestSupport
import Foundation
import Testing

@testable import CustomVisionDatasets

#if canImport(Glibc)
import Glibc
#endif

/// The `readdir` walk lists what the `FileManager` + `lstat` walk listed: same files, same URLs, same order, links
/// followed inside the root, hidden names and special files skipped.
struct DatasetListingTests {
    /// A folder holding odd names, hidden entries, links (to a file, a folder, nowhere) and a FIFO.
    private func oddFolder() throws -> TemporaryFolder {
        let folder = try TemporaryFolder()
        for name in [
            "a b.png", "é ü.png", "x&y.png", "per%20cent.png", "q#?.png", "UP.PNG", "combining\u{301}.png",
            "tab\tname.jpg", ".hidden.png", ".hid/inside.png", "sub/deeper/z.png", "sub/a.xml",
        ] {
            try folder.write("x", to: "data/" + name)
        }
        let data = folder.url.appendingPathComponent("data")
        try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent("link.png").path,
            withDestinationPath: "a b.png")
        try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent("dangling.png").path,
            withDestinationPath: "nowhere.png")
        try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent("zalias").path,
            withDestinationPath: "sub")
        try FileManager.default.createSymbolicLink(atPath: data.appendingPathComponent("alias").path,
            withDestinationPath: "sub/deeper")
        #expect(mkfifo(data.appendingPathComponent("fifo.png").path, 0o644) == 0)
        return folder
    }

    @Test func listsRegularFilesFollowingLinksInPathOrderWithFoundationsURLs() throws {
        let folder = try oddFolder()
        let fs = try DatasetFileSystem(root: folder.url)
        let files = try fs.listFiles(in: folder.url)
        let root = folder.url.standardizedFileURL
        // `alias` (→ sub/deeper) is walked before `sub`, so `sub/deeper` is the alias already listed and skipped;
        // `zalias` (→ sub) comes after `sub` and is skipped whole.
        let expected = [
            "data/UP.PNG", "data/a b.png", "data/alias/z.png", "data/combining\u{301}.png", "data/link.png",
            "data/per%20cent.png", "data/q#?.png", "data/sub/a.xml", "data/tab\tname.jpg", "data/x&y.png",
            "data/é ü.png",
        ].map { root.appendingPathComponent($0) }.sorted { $0.path < $1.path }
        #expect(files == expected)
        #expect(files.map(\.absoluteString) == expected.map(\.absoluteString))
    }

    @Test func recordsEveryNameOfEachWalkedFolder() throws {
        let folder = try oddFolder()
        let fs = try DatasetFileSystem(root: folder.url)
        let listing = try fs.listing(in: folder.url)
        let data = folder.url.standardizedFileURL.path + "/data"
        let names = try #require(listing.namesByFolder[data])
        #expect(names.isSuperset(of: [".hidden.png", ".hid", "sub", "fifo.png", "dangling.png", "link.png"]))
        #expect(listing.namesByFolder[data + "/.hid"] == nil, "hidden folders are not walked")
        #expect(listing.isKnownAbsent(data + "/nothere.png"))
        #expect(!listing.isKnownAbsent(data + "/.hidden.png"))
        #expect(!listing.isKnownAbsent(data + "/.hid/inside.png"), "an unwalked folder proves nothing")
    }

    @Test func listsOneLevelWhenNotRecursive() throws {
        let folder = try oddFolder()
        let fs = try DatasetFileSystem(root: folder.url)
        let data = folder.url.appendingPathComponent("data")
        let files = try fs.listFiles(in: data, recursive: false)
        #expect(files.map(\.lastPathComponent).contains("x&y.png"))
        #expect(!files.contains { $0.path.contains("/sub/") || $0.path.contains("/alias/") })
    }

    @Test func reportsALinkLeavingTheRootOnlyWhenOutsideIsRefused() throws {
        let outside = try TemporaryFolder()
        try outside.write("x", to: "secret.png")
        let folder = try TemporaryFolder()
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("out").path, withDestinationPath: outside.url.path)
        let fs = try DatasetFileSystem(root: folder.url)
        let listing = try fs.listing(in: folder.url)
        #expect(listing.files.isEmpty)
        #expect(listing.skipped.map(\.code) == [.pathEscape] && listing.skipped.first?.location.file == "out")
        let allowed = try DatasetFileSystem(root: folder.url, allowOutsideRoot: true).listFiles(in: folder.url)
        #expect(allowed.map(\.lastPathComponent) == ["secret.png"])
    }

    @Test func namesAFolderThatCannotBeListed() throws {
        let folder = try TemporaryFolder()
        let fs = try DatasetFileSystem(root: folder.url)
        let error = #expect(throws: DatasetError.self) {
            try fs.listFiles(in: folder.url.appendingPathComponent("missing"))
        }
        #expect(error?.code == .io && error?.location.file == "missing")
        // A file where a folder is expected: `opendir` fails, and FileManager explains why.
        let file = try folder.write("x", to: "file.txt")
        let notFolder = #expect(throws: DatasetError.self) { try fs.listFiles(in: file) }
        #expect(notFolder?.code == .io && notFolder?.location.file == "file.txt")
        #expect(notFolder?.message.hasPrefix("cannot list folder: ") == true, "\(String(describing: notFolder))")
    }

    @Test(arguments: [
        "a.jpg", "crazing_1.jpg", "A-b_9.PNG", ".hidden", ".a.jpg", "a.", "a..jpg", "..jpg", "a.b.c", "a.jp g",
        "a. jpg", "é.PNG", "a.jpg ", "noext", "a b.png", "x&y.png", "per%20cent.png", "q#?.png", "a.tar.gz", "-.x",
        "_", "a.\u{301}",
    ])
    func splitsNamesAsURLDoes(name: String) {
        let url = URL(fileURLWithPath: "/data/dir/" + name, isDirectory: false)
        let parts = FileName(path: "/data/dir/" + name)
        #expect(parts.name == url.lastPathComponent)
        #expect(parts.pathExtension == url.pathExtension)
        #expect(parts.stem == url.deletingPathExtension().lastPathComponent)
    }

    @Test(arguments: [
        "", "   ", "\n\t\r\n", "cat", "  cat  ", "\n crazing \n", "\u{A0}cat\u{A0}", " \u{85}x\u{2028} ", "é ",
        " a\u{301}", "a b\tc", "\u{0B}\u{0C}x\u{0C}", "\u{1F}x", "\r\nx\r\n", "x\u{3000}",
    ])
    func trimsAsFoundationDoes(text: String) {
        #expect(text.trimmingWhitespaceAndNewlines() == text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
