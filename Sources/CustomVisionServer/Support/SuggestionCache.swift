import CustomVisionCore
import Foundation
import Synchronization

/// The model's suggestions for a project's untagged images under one iteration, kept so that paging through
/// QuerySuggestedImages (or counting with QuerySuggestedImageCount) runs the model over each image once rather than
/// once per request.
///
/// An entry is keyed by the project's ``StoreData/revision(of:)`` as well as the project, iteration and model, so
/// any change to the project's images or tags misses it and scores afresh. A query's tags, threshold and order
/// only filter and sort the scored list, so they are no part of the key: a client varying them cannot add entries.
/// At most ``maxEntries`` entries and ``maxCost`` suggestions and predictions in all are kept, the least recently
/// used going first; a list larger than the whole budget is not kept.
final class SuggestionCache: Sendable {
    /// What a scored list depends on.
    struct Key: Hashable, Sendable {
        var project: UUID
        var iteration: UUID
        /// The model's digest.
        var model: String
        var revision: UInt64
    }

    /// An untagged image and the model's suggestion for it.
    struct Scored: Sendable {
        var suggestion: SuggestedTagAndRegion
        var image: ImageRecord
    }

    private struct Entry {
        var list: [Scored]
        var cost: Int
        var lastUse: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var cost = 0
        var clock: UInt64 = 0

        mutating func drop(_ key: Key) { cost -= entries.removeValue(forKey: key)?.cost ?? 0 }
    }

    let maxEntries: Int
    let maxCost: Int
    private let state = Mutex(State())

    /// A cache of at most `maxEntries` lists holding `maxCost` suggestions and predictions in all.
    init(maxEntries: Int = 16, maxCost: Int = 1_000_000) {
        self.maxEntries = maxEntries
        self.maxCost = maxCost
    }

    /// The list stored under `key`, if any (marking it used).
    func list(_ key: Key) -> [Scored]? {
        state.withLock { state in
            guard var entry = state.entries[key] else { return nil }
            state.clock += 1
            entry.lastUse = state.clock
            state.entries[key] = entry
            return entry.list
        }
    }

    /// Keeps `list` under `key`, dropping the lists of the same project, iteration and model at older revisions
    /// (stale once the project changed; a list scored at an older revision than one kept is not kept) and evicting
    /// the least recently used beyond the bounds.
    func store(_ list: [Scored], for key: Key) {
        let cost = list.reduce(0) { $0 + 1 + ($1.suggestion.predictions?.count ?? 0) }
        guard cost <= maxCost else { return }
        state.withLock { state in
            let sameModel = state.entries.keys.filter {
                $0.project == key.project && $0.iteration == key.iteration && $0.model == key.model
            }
            guard !sameModel.contains(where: { $0.revision > key.revision }) else { return }
            for old in sameModel { state.drop(old) }
            while !state.entries.isEmpty, state.entries.count >= maxEntries || state.cost + cost > maxCost {
                guard let oldest = state.entries.min(by: { $0.value.lastUse < $1.value.lastUse })?.key else { break }
                state.drop(oldest)
            }
            state.clock += 1
            state.entries[key] = Entry(list: list, cost: cost, lastUse: state.clock)
            state.cost += cost
        }
    }

    /// How many lists are kept, and their suggestions and predictions in all.
    var size: (entries: Int, cost: Int) { state.withLock { ($0.entries.count, $0.cost) } }
}
