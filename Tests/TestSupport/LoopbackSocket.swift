import Foundation

/// A TCP connection to a loopback port on a raw socket, for tests that need what HTTP clients hide: framing no
/// client would send, or a client that does not read.
public enum LoopbackSocket {
    /// A connected socket. `receiveBufferBytes` set before connecting keeps the window it announces small;
    /// reads time out after `timeoutSeconds`.
    public static func connect(port: Int, receiveBufferBytes: Int32? = nil, timeoutSeconds: Int = 90) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackSocketError(step: "socket") }
        if var size = receiveBufferBytes {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw LoopbackSocketError(step: "connect")
        }
        return fd
    }

    /// A loopback port nothing listens on now (the kernel's pick), for a child server to bind.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LoopbackSocketError(step: "socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw LoopbackSocketError(step: "bind") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Sends all of `bytes`.
    public static func send(_ fd: Int32, _ bytes: [UInt8]) throws {
        guard bytes.withUnsafeBytes({ Foundation.send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw LoopbackSocketError(step: "send")
        }
    }
}

public struct LoopbackSocketError: Error, CustomStringConvertible {
    public var step: String
    public init(step: String) { self.step = step }
    public var description: String { "loopback socket failed at \(step) (errno \(errno))" }
}
