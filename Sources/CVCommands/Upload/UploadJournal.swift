import CustomVisionCore
import Foundation

/// One line of the upload journal: an item's content hash and the image id the service gave it.
public struct JournalEntry: Codable, Hashable, Sendable {
    /// SHA-256 of the uploaded (prepared) bytes, tags and regions.
    public var hash: String
    /// The image id on the service.
    public var imageId: String
    /// The item's path in the dataset, for people reading the file.
    public var name: String

    public init(hash: String, imageId: String, name: String) {
        self.hash = hash
        self.imageId = imageId
        self.name = name
    }
}

/// An append-only JSON-lines file of what is already uploaded to one project.
///
/// Each accepted batch is written to the file before it is counted, so a re-run after cvctl crashes or is stopped
/// (Ctrl-C, kill) skips everything journaled. The writing back to disk is left to the kernel, not waited for:
/// should the machine itself go down first, what was uploaded but not journaled comes back as `OKDuplicate` on the
/// re-run and is journaled then, so nothing is uploaded twice either way.
public actor UploadJournal {
    /// The journal file.
    public nonisolated let url: URL
    private var known: [String: String]
    private let handle: FileHandle

    /// Opens (creating if needed) the journal at `url` and reads what it holds. A torn last line is ignored.
    /// - Throws: ``CLIError`` when the file cannot be created or opened.
    public init(url: URL) throws {
        self.url = url
        let fm = FileManager.default
        try? fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var known: [String: String] = [:]
        if let data = fm.contents(atPath: url.path) {
            let decoder = JSONDecoder()
            for line in data.split(separator: UInt8(ascii: "\n")) {
                if let entry = try? decoder.decode(JournalEntry.self, from: Data(line)) {
                    known[entry.hash] = entry.imageId
                }
            }
        } else if !fm.createFile(atPath: url.path, contents: nil) {
            throw CLIError.data("cannot create upload journal \(url.path)")
        }
        guard let handle = FileHandle(forWritingAtPath: url.path) else {
            throw CLIError.data("cannot open upload journal \(url.path)")
        }
        handle.seekToEndOfFile()
        self.handle = handle
        self.known = known
    }

    /// The number of journaled items.
    public var count: Int { known.count }

    /// Every journaled hash.
    public var hashes: Set<String> { Set(known.keys) }

    /// Every journaled image id.
    public var imageIds: Set<String> { Set(known.values) }

    /// Forgets the entries whose image is not in `existing` (deleted from the project since), so they upload again;
    /// returns how many. The file keeps their lines: a new upload appends the new id, and the last line wins.
    public func keepOnly(imageIds existing: Set<String>) -> Int {
        let before = known.count
        known = known.filter { existing.contains($0.value) }
        return before - known.count
    }

    /// The image id journaled for `hash`, if any.
    public func imageId(for hash: String) -> String? { known[hash] }

    /// Appends entries (one JSON object a line, keys sorted) to the file.
    public func append(_ entries: [JournalEntry]) throws {
        var lines: [UInt8] = []
        for entry in entries where known[entry.hash] == nil {
            var line = JSONOutput()
            line.object { json in
                json.member("hash", entry.hash)
                json.member("imageId", entry.imageId)
                json.member("name", entry.name)
            }
            lines += line.bytes
            lines.append(UInt8(ascii: "\n"))
            known[entry.hash] = entry.imageId
        }
        guard !lines.isEmpty else { return }
        try handle.write(contentsOf: lines)
    }

    /// The default journal location: `$XDG_CACHE_HOME/cvctl` or `~/.cache/cvctl`, one file per dataset and project.
    public static func defaultURL(dataset: URL, project: String,
                                  environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base: URL
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            base = URL(fileURLWithPath: xdg)
        } else {
            base = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(".cache")
        }
        let datasetKey = SHA256.hex(Array(dataset.standardizedFileURL.path.utf8)).prefix(12)
        return base.appendingPathComponent("cvctl/journal-\(project.lowercased())-\(datasetKey).jsonl")
    }
}
