import CustomVisionCore
import Foundation
import GRDB

/// Metadata in SQLite through GRDB: one `entity` table of JSON documents keyed by kind and id, with the owning
/// project as an indexed column. Every request's changes are applied in one transaction.
struct MetadataStore: Sendable {
    /// The kinds of document stored.
    enum Kind: String, Sendable, CaseIterable {
        case project, tag, image, iteration, prediction, export, projectExport
    }

    /// One stored document.
    struct Document: Sendable {
        var kind: Kind
        var id: UUID
        var project: UUID
        var body: Data
    }

    /// A change applied with others in one transaction.
    enum Change: Sendable {
        case put(Document)
        case delete(Kind, UUID)
        case deleteProject(UUID)
    }

    private let writer: any DatabaseWriter

    /// Opens (creating and migrating) `metadata.sqlite` in `directory`, or an in-memory database when `nil`.
    init(directory: URL?) throws {
        if let directory {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var config = Configuration()
            // Write-ahead log: a commit is one append and one fsync of the log (FULL: before the commit returns),
            // where the rollback journal needs three flushes.
            config.journalMode = .wal
            writer = try DatabaseQueue(
                path: directory.appendingPathComponent("metadata.sqlite").path,
                configuration: config)
            // Set once the queue is open: GRDB's WAL set-up, which runs after `prepareDatabase`, sets NORMAL (the
            // log synced only at checkpoints), and an answered write could then be lost with the machine.
            try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } else {
            writer = try DatabaseQueue()
        }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE entity (
                        kind TEXT NOT NULL, id TEXT NOT NULL, project TEXT NOT NULL, body BLOB NOT NULL,
                        PRIMARY KEY (kind, id));
                    CREATE INDEX entity_project ON entity(project, kind);
                    """)
        }
        try migrator.migrate(writer)
    }

    /// SQLite's `synchronous` setting of the connection that commits (2: FULL).
    func synchronousLevel() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Every document.
    func loadAll() throws -> [Document] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, id, project, body FROM entity ORDER BY rowid").compactMap { row in
                guard let kind = Kind(rawValue: row["kind"]), let id = UUID(text: row["id"] as String),
                    let project = UUID(text: row["project"] as String)
                else { return nil }
                return Document(kind: kind, id: id, project: project, body: row["body"])
            }
        }
    }

    /// Applies `changes` atomically.
    func apply(_ changes: [Change]) throws {
        guard !changes.isEmpty else { return }
        try writer.write { db in
            for change in changes {
                switch change {
                case .put(let doc):
                    // Prepared once per connection: an upload batch puts a hundred documents or more.
                    try db.cachedStatement(
                        sql: "INSERT OR REPLACE INTO entity (kind, id, project, body) VALUES (?, ?, ?, ?)"
                    ).execute(arguments: [doc.kind.rawValue, doc.id.uppercasedText, doc.project.uppercasedText,
                        doc.body])
                case .delete(let kind, let id):
                    try db.execute(
                        sql: "DELETE FROM entity WHERE kind = ? AND id = ?",
                        arguments: [kind.rawValue, id.uppercasedText])
                case .deleteProject(let project):
                    try db.execute(sql: "DELETE FROM entity WHERE project = ?", arguments: [project.uppercasedText])
                }
            }
        }
    }
}
