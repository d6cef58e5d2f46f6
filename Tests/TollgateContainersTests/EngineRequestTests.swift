import Foundation
import Testing
@testable import TollgateContainers

/// The proxy's reading of Docker Engine API requests: every spelling the daemon accepts for a
/// create or a build is recognised, and a cgroup parent the job chose never survives.
struct EngineRequestTests {
    @Test(arguments: [
        ("POST", "/containers/create", EngineRequest.createContainer),
        ("POST", "/v1.41/containers/create?name=x", .createContainer),
        ("post", "/v1.41/containers/create", .createContainer),
        ("POST", "/containers/%63reate", .createContainer),
        ("POST", "/containers%2Fcreate", .createContainer),
        ("POST", "//containers//create/", .createContainer),
        ("POST", "/./containers/create", .createContainer),
        ("POST", "/v1.41/build?t=x", .build),
        ("POST", "/containers/abc/start", .enterContainer(reference: "abc")),
        ("POST", "/v1.41/containers/abc/exec", .enterContainer(reference: "abc")),
        ("POST", "/session", .unplaceable(what: "a BuildKit session (POST /session)")),
        ("POST", "/services/create", .unplaceable(what: "POST /services/create")),
        ("GET", "/containers/json", .other),
        ("GET", "/containers/create", .other),
        ("POST", "/containers/abc/wait", .other),
        ("POST", "/grpc", .unplaceable(what: "BuildKit's gRPC API (POST /grpc)")),
        ("GET", "/v1.41/containers/abc/archive?path=/h/etc/shadow", .fileTransfer(reference: "abc")),
        ("PUT", "/containers/abc/archive?path=/h", .fileTransfer(reference: "abc")),
        ("HEAD", "/containers/abc/archive?path=/", .fileTransfer(reference: "abc")),
        ("GET", "/containers/abc/export", .fileTransfer(reference: "abc")),
        ("POST", "/containers/abc/update", .changeContainer(reference: "abc", what: "update")),
        ("POST", "/containers/abc/rename?name=mine", .changeContainer(reference: "abc", what: "rename")),
    ])
    func classifies(method: String, uri: String, expected: EngineRequest) {
        #expect(EngineRequest(method: method, uri: uri) == expected, "\(method) \(uri)")
    }

    @Test(arguments: ["http://engine/containers/create", "*", "/containers/../containers/create", "/%zz"])
    func refusesTargetsItCannotReadAsTheDaemonDoes(uri: String) {
        #expect(EngineRequest(method: "POST", uri: uri) == nil, "\(uri)")
    }

    /// The body the daemon would receive, as an object.
    private func placed(_ json: String, name: String? = nil) throws -> (object: [String: Any], facts: EngineRequest.ContainerFacts) {
        let result = try EngineRequest.placing(createBody: Array(json.utf8), in: "/tollgate/run-1", name: name)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.body)) as? [String: Any])
        return (object, result.facts)
    }

    @Test(arguments: [
        #"{"Image":"busybox"}"#,
        #"{"Image":"busybox","HostConfig":null}"#,
        #"{"Image":"busybox","HostConfig":{"CgroupParent":"/elsewhere"}}"#,
        #"{"Image":"busybox","hostconfig":{"cgroupparent":"/elsewhere","CGROUPPARENT":"/other"}}"#,
        #"{"Image":"busybox","Hoſtconfig":{"CgroupParent":"/elsewhere"}}"#,
    ])
    func placesEveryContainerInTheRunCgroup(json: String) throws {
        let (object, facts) = try placed(json)
        #expect(Set(object.keys) == ["Image", "HostConfig"])
        let host = try #require(object["HostConfig"] as? [String: Any])
        #expect(host.keys.filter { EngineRequest.folded($0) == "cgroupparent" } == ["CgroupParent"])
        #expect(host["CgroupParent"] as? String == "/tollgate/run-1")
        #expect(facts.image == "busybox")
    }

    @Test(arguments: [
        #"{"HostConfig":{},"hostConfig":{}}"#,
        #"["HostConfig"]"#,
        #"{"HostConfig":"x"}"#,
        "not json",
        "",
    ])
    func refusesWhatItCannotPlaceWithCertainty(json: String) {
        #expect(throws: EngineRequest.Refusal.self) {
            try EngineRequest.placing(createBody: Array(json.utf8), in: "/tollgate/run-1")
        }
    }

    /// A container the engine would restart on its own would run again after the gate ended.
    @Test(arguments: [
        #"{"Image":"x","HostConfig":{"RestartPolicy":{"Name":"always"}}}"#,
        #"{"Image":"x","hostconfig":{"restartpolicy":{"Name":"unless-stopped"}}}"#,
        #"{"Image":"x"}"#,
    ])
    func noContainerIsRestartedByTheEngine(json: String) throws {
        let host = try placed(json).object["HostConfig"] as? [String: Any] ?? [:]
        let policies = host.filter { $0.key.lowercased() == "restartpolicy" }
        #expect(policies.count == 1 && (policies.first?.value as? [String: Any])?["Name"] as? String == "no", "\(host)")
    }

    @Test func keepsTheRestOfTheConfigurationAndReadsItsFacts() throws {
        let json = #"{"Image":"img:1","Cmd":["sh","-c","true"],"HostConfig":{"Privileged":true,"PidMode":"host","NetworkMode":"host","Binds":["/:/host:ro","vol:/data"],"Mounts":[{"Type":"bind","Source":"/var/run/docker.sock","Target":"/s"}],"Memory":1073741824}}"#
        let (object, facts) = try placed(json, name: "web")
        #expect(object["Cmd"] as? [String] == ["sh", "-c", "true"])
        #expect((object["HostConfig"] as? [String: Any])?["Memory"] as? Int == 1_073_741_824)
        #expect(facts == EngineRequest.ContainerFacts(image: "img:1", name: "web", privileged: true, pidMode: "host",
                                                      networkMode: "host", hostPaths: ["/", "/var/run/docker.sock"]))
    }

    @Test(arguments: [
        ("/build?t=x", "/build?t=x&cgroupparent=/tollgate/run-1"),
        ("/v1.41/build", "/v1.41/build?cgroupparent=/tollgate/run-1"),
        ("/build?cgroupparent=/x&t=y", "/build?t=y&cgroupparent=/tollgate/run-1"),
        ("/build?cgroup%70arent=/x&cgroupparent=/z", "/build?cgroupparent=/tollgate/run-1"),
    ])
    func placesBuildsInTheRunCgroup(uri: String, expected: String) {
        #expect(EngineRequest.placingBuild(uri: uri, in: "/tollgate/run-1") == expected)
    }

    @Test func aFormBodyWouldOverrideTheQuery() {
        #expect(EngineRequest.buildReadsFormBody(contentType: "application/x-www-form-urlencoded; charset=utf-8"))
        #expect(!EngineRequest.buildReadsFormBody(contentType: "application/x-tar"))
        #expect(!EngineRequest.buildReadsFormBody(contentType: nil))
    }

    @Test(arguments: [
        (nil, EngineEndpoint.unix(path: "/var/run/docker.sock")),
        ("", .unix(path: "/var/run/docker.sock")),
        ("unix:///tmp/d.sock", .unix(path: "/tmp/d.sock")),
        ("tcp://127.0.0.1:2375", .unsupported("tcp://127.0.0.1:2375")),
        ("ssh://host", .unsupported("ssh://host")),
    ] as [(String?, EngineEndpoint)])
    func readsTheJobsDockerHost(value: String?, expected: EngineEndpoint) {
        #expect(EngineEndpoint(dockerHost: value) == expected)
    }
}
