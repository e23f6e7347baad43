//! Applications, the change feed and the workflow.

use std::time::Duration;

use serde_json::Value;

use crate::support::TestPortal;

async fn events(
    portal: &TestPortal,
    token: &str,
    query: &[(&str, &str)],
    etag: Option<&str>,
) -> reqwest::Response {
    let mut request = portal.http.get(portal.url("/api/v1/events")).bearer_auth(token).query(query);
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn applications_page_by_cursor_and_filter_by_status() {
    let portal = TestPortal::start().await;
    let tokens = portal.sign_in().await;
    let token = tokens.access_token.expose();

    let (status, first) = portal.get_json("/api/v1/applications?limit=2", token).await;
    assert_eq!(status, 200);
    let mut ids: Vec<String> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    let mut cursor = first["next_cursor"].as_str().map(str::to_owned);
    while let Some(next) = cursor {
        let (_, page) =
            portal.get_json(&format!("/api/v1/applications?limit=2&cursor={next}"), token).await;
        ids.extend(
            page["items"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap().to_owned()),
        );
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(ids.len(), 5, "the citizen's five applications, each once: {ids:?}");
    let numeric: Vec<i64> = ids.iter().map(|id| id.parse().unwrap()).collect();
    assert!(numeric.windows(2).all(|w| w[0] > w[1]), "newest first");

    for status in ["accepted", "in_progress", "needs_info", "approved", "rejected"] {
        let (_, page) =
            portal.get_json(&format!("/api/v1/applications?status={status}"), token).await;
        let items = page["items"].as_array().unwrap();
        assert!(!items.is_empty(), "the demo citizen has an application {status}");
        assert!(items.iter().all(|a| a["status"] == status));
    }

    let (status, bad) = portal.get_json("/api/v1/applications?cursor=garbage", token).await;
    assert_eq!((status, bad["code"].as_str()), (400, Some("invalid_request")));
    let (status, _) = portal.get_json("/api/v1/applications?status=lost", token).await;
    assert_eq!(status, 400, "an unknown status is a bad request");
}

#[tokio::test]
async fn an_application_has_its_journal_and_other_accounts_cannot_see_it() {
    let portal = TestPortal::start().await;
    let tokens = portal.sign_in().await;
    let token = tokens.access_token.expose();

    let (_, page) = portal.get_json("/api/v1/applications?status=approved", token).await;
    let id = page["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, app) = portal.get_json(&format!("/api/v1/applications/{id}"), token).await;
    assert_eq!(status, 200);
    let journal: Vec<&str> =
        app["journal"].as_array().unwrap().iter().map(|e| e["status"].as_str().unwrap()).collect();
    assert_eq!(journal, ["accepted", "in_progress", "approved"], "every status change, in order");
    assert!(app["journal"][2]["department"].is_string());

    let (status, problem) = portal.get_json("/api/v1/applications/3014567806", token).await;
    assert_eq!((status, problem["code"].as_str()), (404, Some("not_found")));
    let (status, _) = portal.get_json("/api/v1/applications/6", token).await;
    assert_eq!(status, 404, "the entrepreneur's application is not the citizen's to see");
}

#[tokio::test]
async fn the_feed_is_ordered_resumes_from_its_cursor_and_answers_304() {
    let portal = TestPortal::start().await;
    let tokens = portal.sign_in().await;
    let token = tokens.access_token.expose();

    let response = events(&portal, token, &[], None).await;
    assert_eq!(response.status(), 200);
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert!(
        response.headers().contains_key("kabinet-poll-interval"),
        "the server hints the interval"
    );
    let page: Value = response.json().await.unwrap();
    let ids: Vec<i64> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(!ids.is_empty(), "the seeded history is on the feed");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "oldest first, strictly ordered");
    let cursor = page["cursor"].as_str().unwrap().to_owned();

    let unchanged = events(&portal, token, &[("after", &cursor)], Some(&etag)).await;
    assert_eq!(unchanged.status(), 304, "nothing new: 304 with no body to parse");

    let (_, list) = portal.get_json("/api/v1/applications?status=in_progress", token).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(portal.push_status(&id, "approved").await, 204);

    let changed = events(&portal, token, &[("after", &cursor)], Some(&etag)).await;
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    let page: Value = changed.json().await.unwrap();
    let new = page["events"].as_array().unwrap();
    assert_eq!(new.len(), 1, "exactly the one change after the cursor: {page}");
    assert_eq!(new[0]["kind"], "application_status_changed");
    assert_eq!(new[0]["application_id"], id.as_str());
    assert_eq!(new[0]["status"], "approved");

    let (status, _) = portal.get_json("/api/v1/events?after=-1", token).await;
    assert_eq!(status, 400, "a cursor the API did not issue is refused");
}

#[tokio::test]
async fn a_long_poll_wakes_when_a_change_arrives() {
    let portal = TestPortal::start().await;
    let tokens = portal.sign_in().await;
    let token = tokens.access_token.expose().to_owned();

    let response = events(&portal, &token, &[], None).await;
    let cursor = response.json::<Value>().await.unwrap()["cursor"].as_str().unwrap().to_owned();
    let (_, list) = portal.get_json("/api/v1/applications?status=accepted", &token).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();

    let started = std::time::Instant::now();
    let query = [("after", cursor.as_str()), ("wait", "20")];
    let waiting = events(&portal, &token, &query, None);
    let push = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        portal.push_status(&id, "in_progress").await
    };
    let (response, pushed) = tokio::join!(waiting, push);
    assert_eq!(pushed, 204);
    assert_eq!(response.status(), 200);
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_secs(10),
        "the wait ended with the change, not the timeout: {elapsed:?}"
    );
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["events"][0]["status"], "in_progress");
}

#[tokio::test]
async fn a_long_poll_with_nothing_new_ends_with_304() {
    let portal = TestPortal::start().await;
    let tokens = portal.sign_in().await;
    let token = tokens.access_token.expose();
    let first = events(&portal, token, &[], None).await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let cursor = first.json::<Value>().await.unwrap()["cursor"].as_str().unwrap().to_owned();

    let started = std::time::Instant::now();
    let response = events(&portal, token, &[("after", &cursor), ("wait", "1")], Some(&etag)).await;
    assert_eq!(response.status(), 304);
    assert!(started.elapsed() >= Duration::from_millis(900), "the server held the request");
}

#[tokio::test]
async fn the_workflow_moves_due_applications_and_puts_each_move_on_the_feed() {
    let portal = TestPortal::start().await;
    let tokens = portal.sign_in().await;
    let token = tokens.access_token.expose();
    let cursor = events(&portal, token, &[], None).await.json::<Value>().await.unwrap()["cursor"]
        .as_str()
        .unwrap()
        .to_owned();

    assert_eq!(portal.sandbox.workflow_step().unwrap(), 0, "nothing is due yet");
    portal.advance(Duration::from_secs(10 * 60 + 1));
    let moved = portal.sandbox.workflow_step().unwrap();
    assert_eq!(moved, 3, "the three seeded applications in the workflow move once each");

    // The clock moved past the access token's lifetime; sign in again to read the feed.
    let tokens = portal.sign_in().await;
    let token = tokens.access_token.expose();
    let page: Value =
        events(&portal, token, &[("after", &cursor)], None).await.json().await.unwrap();
    let kinds: Vec<&str> =
        page["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        ["application_status_changed", "application_status_changed"],
        "the citizen's two"
    );
}
