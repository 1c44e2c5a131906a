import Foundation
public enum PostdeskCommand {
    public static func main(_ args: [String]) -> Int32 { 0 }
}
