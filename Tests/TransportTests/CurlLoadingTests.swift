import CCurl
import Testing

/// libcurl is opened on first use (see ccurl.h): the calls work through the looked-up functions.
@Suite struct CurlLoadingTests {
    @Test func libcurlLoadsOnFirstUseAndServesHandles() throws {
        #expect(ccurl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK)
        #expect(ccurl_available() == 1)
        let handle = try #require(ccurl_easy_init())
        defer { ccurl_easy_cleanup(handle) }
        #expect(ccurl_setopt_long(handle, CURLOPT_VERBOSE, 0) == CURLE_OK)
        #expect(ccurl_setopt_string(handle, CURLOPT_URL, "imap://127.0.0.1:1/") == CURLE_OK)
        #expect(String(cString: ccurl_easy_strerror(CURLE_COULDNT_CONNECT)).lowercased().contains("connect"))
        let list = ccurl_slist_append(nil, "Accept: application/json")
        #expect(list != nil)
        ccurl_slist_free_all(list)
    }
}
