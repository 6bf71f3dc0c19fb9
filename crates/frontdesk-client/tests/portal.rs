//! The client against the real portal service on loopback: signing in, a typed round trip
//! (create, change, the change feed, a desk's push), a refusal with the portal's code and
//! message, and a portal out of reach or answering out of contract.
#![allow(clippy::unwrap_used)]

use frontdesk_testkit::portal as common;

use std::io::{Read, Write};
use std::time::Duration;

use chrono::{Duration as Span, Utc};
use common::{World, PASSWORD};
use frontdesk_api::{
    CardRequest, ClientMutation, Id, InviteStatus, Login, NewInvite, Portal, Push, Role, Since,
    SyncStatus, Validity, VisitAction, VisitorInput,
};
use frontdesk_client::{Client, ClientError, StatusCode, StreamItem, Transport};

fn transport() -> Transport {
    Transport::new(Duration::from_secs(3), Some(Duration::from_secs(10))).unwrap()
}

fn login(email: &str, password: &str) -> Login {
    Login {
        email: email.into(),
        password: password.into(),
    }
}

#[test]
fn a_desk_signs_in_creates_an_invite_changes_it_and_pushes_an_arrival() {
    let w = World::new();
    let portal = Client::new(&transport(), &format!("http://{}", w.s.addr)).unwrap();
    let signed = portal.login(&login("lobby@hq.test", PASSWORD)).unwrap();
    assert_eq!(signed.user.role, Role::FrontDesk);
    assert_eq!(
        signed.user.scope.building_id.as_ref().map(Id::as_str),
        Some(w.building.as_str())
    );
    let desk = portal.signed_in(&signed.token);
    assert_eq!(desk.me().unwrap(), signed.user);

    let now = Utc::now();
    let created = desk
        .create_invite(
            &Portal::building(&w.building),
            &NewInvite {
                location_id: Some(w.acme_loc.as_str().into()),
                host_name: "Grace Hopper".into(),
                host_id: None,
                visitor: VisitorInput {
                    name: "Ada Lovelace".into(),
                    email: Some("ada@example.com".into()),
                    mobile: None,
                    company: Some("Analytical Engines".into()),
                },
                visitor_type_id: Some(w.building_type.as_str().into()),
                valid_from: now - Span::hours(1),
                valid_to: now + Span::hours(8),
                notify: false,
            },
        )
        .unwrap();
    assert_eq!(created.sync.status, SyncStatus::Synced, "{created:?}");
    let id = created.invite.id.clone();
    assert_eq!(created.invite.visitor.name, "Ada Lovelace");

    let later = now + Span::hours(4);
    let changed = desk
        .change_validity(
            id.as_str(),
            &Validity {
                valid_from: created.invite.times.valid_from,
                valid_to: later,
            },
        )
        .unwrap();
    assert_eq!(changed.times.valid_to.timestamp(), later.timestamp());

    let page = desk.changes(&Since::default()).unwrap();
    assert!(
        page.changes
            .iter()
            .any(|c| c.entity == "invite" && c.entity_id == id),
        "the feed carries the new invite"
    );
    assert_eq!(page.last_seq, page.changes.last().unwrap().seq);

    let pushed = desk
        .push(&Push {
            mutations: vec![ClientMutation {
                id: "0193a000-0000-7000-8000-000000000001".into(),
                invite_id: id.clone(),
                action: VisitAction::Arrive,
                at: Utc::now(),
                reason: None,
            }],
        })
        .unwrap();
    assert_eq!(pushed.results.len(), 1);
    assert_eq!(
        pushed.results[0].outcome.outcome,
        frontdesk_api::MutationResult::Applied
    );
    assert_eq!(
        pushed.results[0].invite.as_ref().unwrap().status,
        InviteStatus::Arrived
    );

    // The stream opens at the cursor and brings what came after it.
    let stream_transport = Transport::new(Duration::from_secs(3), None).unwrap();
    let mut stream = Client::new(&stream_transport, &format!("http://{}", w.s.addr))
        .unwrap()
        .signed_in(&signed.token)
        .change_stream(page.last_seq)
        .unwrap();
    let arrival = stream
        .find_map(|item| match item.unwrap() {
            StreamItem::Change { seq, change } => Some((seq, change)),
            StreamItem::Quiet => None,
        })
        .unwrap();
    assert!(arrival.0 > page.last_seq);
    assert_eq!(arrival.1.entity_id, id);
    assert_eq!(arrival.1.data["status"], "arrived");

    desk.logout().unwrap();
    assert!(matches!(
        desk.me(),
        Err(ClientError::Refused {
            status: StatusCode::UNAUTHORIZED,
            ..
        })
    ));
}

#[test]
fn a_refusal_carries_the_portals_code_and_message() {
    let w = World::new();
    let portal = Client::new(&transport(), &format!("http://{}", w.s.addr)).unwrap();
    match portal.login(&login("lobby@hq.test", "not the password")) {
        Err(ClientError::Refused {
            status,
            code,
            message,
        }) => {
            assert_eq!(status, StatusCode::UNAUTHORIZED);
            assert_eq!(code, "invalid_credentials");
            assert_eq!(message, "The email or password is not correct.");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    // An id is one path segment, however it is spelt: it cannot reach another endpoint.
    let desk = portal.signed_in(&w.building_desk);
    let card = CardRequest {
        number: "1234".into(),
        format: "H10301".into(),
        local_only: false,
    };
    match desk.assign_card("../buildings", &card) {
        Err(ClientError::Refused { status, code, .. }) => {
            assert_eq!(
                (status, code.as_str()),
                (StatusCode::NOT_FOUND, "not_found")
            );
        }
        other => panic!("expected not_found, got {other:?}"),
    }
}

#[test]
fn a_closed_port_is_offline_not_a_refusal() {
    let port = frontdesk_testkit::free_port();
    let portal = Client::new(&transport(), &format!("http://127.0.0.1:{port}")).unwrap();
    match portal.me() {
        Err(ClientError::Offline(why)) => assert_eq!(why, "connection refused"),
        other => panic!("expected offline, got {other:?}"),
    }
}

#[test]
fn an_answer_out_of_contract_is_unexpected_and_a_bad_address_is_said_so() {
    // Something else listening where the portal should be: a success in plain text.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf);
        s.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-length: 11\r\nconnection: close\r\n\r\nhello there",
        )
        .unwrap();
    });
    let other = Client::new(&transport(), &format!("http://{addr}")).unwrap();
    assert!(matches!(other.me(), Err(ClientError::Unexpected(_))));

    for bad in ["ftp://portal.example", "portal.example", ""] {
        assert!(
            matches!(Client::new(&transport(), bad), Err(ClientError::Address(_))),
            "{bad}"
        );
    }
}
