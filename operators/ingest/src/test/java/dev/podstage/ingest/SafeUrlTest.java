package dev.podstage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeUrlTest {

    @Test
    void userInfoAndCredentialLikeParametersAreHidden() {
        assertThat(SafeUrl.display("https://ann:pw@host/data.csv")).isEqualTo("https://host/data.csv");
        assertThat(SafeUrl.display(
                        "https://b.s3.amazonaws.com/k.jsonl?X-Amz-Credential=AK%2F1&X-Amz-Signature=abc&v=1"))
                .isEqualTo("https://b.s3.amazonaws.com/k.jsonl?X-Amz-Credential=****&X-Amz-Signature=****&v=1");
        assertThat(SafeUrl.display("https://h/x.md?sig=abc&api_key=def&page=2"))
                .isEqualTo("https://h/x.md?sig=****&api_key=****&page=2");
    }

    @Test
    void plainUrlsAreShownAsTheyAre() {
        assertThat(SafeUrl.display("http://127.0.0.1:8080/a/b.csv?page=3"))
                .isEqualTo("http://127.0.0.1:8080/a/b.csv?page=3");
    }
}
