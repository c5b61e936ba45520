import FlakeModel
import Foundation
import Testing

/// Every error reading a lock file names the file and, where the fault is inside a node,
/// the node and the attribute, with Nix's message first. The inputs are systematic
/// mutations of valid lock files: every attribute of every node replaced by every JSON type.
struct LockFileErrorLocationTests {
    static let path = "/p/flake.lock"
    static let replacements: [JSONValue] = [
        .null, .array([]), .object(JSONObject()), .number(.float(1.5)), .number(.float(-1)), .string("s"), .bool(true),
    ]

    static func withNode(_ top: JSONObject, _ key: String, _ node: JSONObject) -> JSONValue {
        var nodes = top["nodes"]?.objectValue ?? JSONObject()
        nodes[key] = .object(node)
        var t = top
        t["nodes"] = .object(nodes)
        return .object(t)
    }

    /// (node key, attribute path, mutated lock) for every replacement of every attribute.
    static func mutations(of top: JSONObject) -> [(node: String, attribute: String, lock: JSONValue)] {
        var out: [(String, String, JSONValue)] = []
        for (key, value) in top["nodes"]?.objectValue ?? JSONObject() {
            guard let node = value.objectValue else { continue }
            for (attr, attrValue) in node {
                for r in replacements {
                    var n = node
                    n[attr] = r
                    out.append((key, attr, withNode(top, key, n)))
                }
                for (inner, _) in attrValue.objectValue ?? JSONObject() {
                    for r in replacements {
                        var obj = attrValue.objectValue!
                        obj[inner] = r
                        var n = node
                        n[attr] = .object(obj)
                        out.append((key, "\(attr).\(inner)", withNode(top, key, n)))
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: ["ok-exp3-keys.lock", "ok-follows.lock", "ok-spec-4.5.lock", "ok-unicode.lock"])
    func everyErrorNamesFileNodeAndAttribute(_ name: String) throws {
        let top = try #require(try JSONValue.parse(Vectors.bytes(name)).objectValue)
        var failures = 0
        for m in Self.mutations(of: top) {
            for profile in [CompatProfile.nix, .nix28] {
                do {
                    _ = try LockFile.parse(Array(m.lock.compactText.utf8), path: Self.path, profile: profile)
                } catch {
                    failures += 1
                    let place = "\(m.node).\(m.attribute) in \(profile)"
                    #expect(error.description.hasPrefix(error.message), "\(place)")
                    #expect(error.description.contains("lock file '\(Self.path)'"), "\(place): \(error.description)")
                    // A reference to a node that is missing is reported at the referring node.
                    #expect(error.node == m.node || m.attribute.hasPrefix("inputs"), "\(place): \(error.description)")
                    let attribute = try #require(error.attribute, "\(place): \(error.description)")
                    #expect(
                        error.description.contains("attribute '\(attribute)' of node '\(error.node ?? "")'"),
                        "\(place)")
                    let top = String(m.attribute.prefix { $0 != "." })
                    #expect(attribute == top || attribute.hasPrefix(top + "."), "\(place): \(attribute)")
                }
            }
        }
        #expect(failures > 20)
    }

    @Test func unsupportedTypeNamesTheAttribute() throws {
        let lock =
            #"{"nodes": {"a": {"locked": {"type": "github", "owner": "o", "repo": "r", "rev": null}, "original": {"type": "github", "owner": "o", "repo": "r"}}, "root": {"inputs": {"a": "a"}}}, "root": "root", "version": 7}"#
        do {
            _ = try LockFile.parse(Array(lock.utf8), path: Self.path, profile: .nix)
            Issue.record("accepted")
        } catch {
            #expect(
                error.description == """
                    unsupported input attribute type in lock file
                    … while reading attribute 'locked.rev' of node 'a' of lock file '\(Self.path)'
                    """)
        }
    }

    /// A syntax error names the file, line and column under both profiles (Nix 2.8's own
    /// message names neither).
    @Test func syntaxErrorsNameFileLineAndColumn() throws {
        let text = try Vectors.text("ok-follows.lock")
        var cuts = 0
        for cut in stride(from: 1, to: text.utf8.count - 1, by: 7) {
            let bytes = Array(text.utf8.prefix(cut))
            for profile in [CompatProfile.nix, .nix28] {
                do {
                    _ = try LockFile.parse(bytes, path: Self.path, profile: profile)
                    Issue.record("a lock cut at \(cut) was accepted")
                } catch {
                    cuts += 1
                    let line = try #require(error.line)
                    let column = try #require(error.column)
                    #expect(error.description.contains("'\(Self.path)'"))
                    #expect(error.description.contains("line \(line), column \(column)"))
                }
            }
        }
        #expect(cuts > 40)
    }
}
