//! The change poller against the sandbox's feed.

use std::sync::{Arc, Mutex};

use kabinet_core::poller::{Notification, Notifier, Poller};
use kabinet_core::retry::FixedJitter;
use kabinet_core::store::LocalStore;

use crate::support::Portal;

#[derive(Default)]
struct Recorder(Mutex<Vec<Notification>>);

impl Notifier for Recorder {
    fn notify(&self, notification: &Notification) -> Result<(), String> {
        self.0.lock().unwrap().push(notification.clone());
        Ok(())
    }
}

impl Recorder {
    fn bodies(&self) -> Vec<String> {
        self.0.lock().unwrap().iter().map(|n| n.body.clone()).collect()
    }
}

#[tokio::test]
async fn changes_are_notified_once_across_a_restart_and_an_unchanged_feed_is_a_304() {
    let portal = Portal::start(|_| {}).await;
    let (client, secrets) = portal.client().await;
    let dir = std::env::temp_dir().join(format!("kabinet-poller-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let db = dir.join("kabinet.sqlite3");
    let recorder = Arc::new(Recorder::default());

    let poller = Poller::new(&client, Arc::new(LocalStore::open(&db).unwrap()), recorder.clone())
        .with_jitter(Arc::new(FixedJitter(0.5)));
    let baseline = poller.poll_once().await.unwrap();
    assert_eq!(baseline.handled, 0, "the history is not notified on the first poll");
    let idle = poller.poll_once().await.unwrap();
    assert!(idle.not_modified, "nothing new: the ETag gets a 304");
    assert_eq!(
        poller.next_delay(&idle),
        idle.poll_interval.unwrap(),
        "the server's hint, jitter 0.5"
    );

    portal.push_status("4", "approved").await;
    let outcome = poller.poll_once().await.unwrap();
    assert_eq!(outcome.handled, 1);
    assert_eq!(recorder.bodies(), ["Заявление № 3014567804: Одобрено"]);
    drop(poller);

    // A restart: a new poller on the same database neither repeats nor loses anything.
    let store = Arc::new(LocalStore::open(&db).unwrap());
    let account = client.session().account();
    store.unlock_from_keychain(&account, secrets.as_ref()).unwrap();
    let restarted = Poller::new(&client, store.clone(), recorder.clone());
    assert!(restarted.poll_once().await.unwrap().not_modified, "the cursor and ETag persisted");
    portal.push_status("5", "in_progress").await;
    assert_eq!(restarted.poll_once().await.unwrap().handled, 1);
    assert_eq!(recorder.bodies().len(), 2, "one notification per change, none repeated");

    let cached = store.cached_application(&account, "5").unwrap().expect("the store was updated");
    assert_eq!(cached.summary.status, kabinet_api::ApplicationStatus::InProgress);
    std::fs::remove_dir_all(&dir).unwrap();
}
