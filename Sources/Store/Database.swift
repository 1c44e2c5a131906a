import CSQLite
import Foundation
