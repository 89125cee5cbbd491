//! The HTML plan in a real browser: headless Chromium (Debian `chromium`, which `.ci/run`
//! installs when missing) driven over the DevTools protocol. The page must render its list,
//! keep a tick across a reload, log no console error (a CSP violation is one) and request
//! nothing but itself. Prints a SKIPPED line when no Chromium is installed.
//!
//! It also saves screenshots: the hostile report's page to `target/plan-hostile.png`, and the
//! demo vault's plan to `target/plan.png` (with `CREDAUDIT_SCREENSHOT=docs/plan.png`, to the
//! README's picture instead).

#[path = "support/binary.rs"]
mod binary;
#[path = "support/plan.rs"]
mod plan;

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Emulation, Network, Page};
use headless_chrome::{Browser, LaunchOptions, Tab};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The Chromium binary: `CHROME` if set, else the first of the usual names on `PATH`.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CHROME") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|candidate| candidate.is_file())
}

/// What the page did besides rendering: console errors and every request it made.
#[derive(Default)]
struct Observed {
    errors: Vec<String>,
    requests: Vec<String>,
}

fn launch(chromium: &Path, profile: &Path) -> Browser {
    let options = LaunchOptions::default_builder()
        .path(Some(chromium.to_path_buf()))
        // CI runs as root, where Chromium's sandbox cannot start.
        .sandbox(false)
        .window_size(Some((1000, 1500)))
        .user_data_dir(Some(profile.to_path_buf()))
        .idle_browser_timeout(Duration::from_secs(60))
        .build()
        .expect("launch options");
    Browser::new(options).expect("Chromium starts")
}

fn observe(tab: &Tab) -> Arc<Mutex<Observed>> {
    let observed = Arc::new(Mutex::new(Observed::default()));
    let sink = Arc::clone(&observed);
    tab.add_event_listener(Arc::new(move |event: &Event| {
        let mut seen = sink.lock().unwrap();
        match event {
            Event::LogEntryAdded(added) if format!("{:?}", added.params.entry.level) == "Error" => {
                seen.errors.push(added.params.entry.text.clone());
            }
            Event::RuntimeConsoleAPICalled(call)
                if format!("{:?}", call.params.Type) == "Error" =>
            {
                seen.errors
                    .push(format!("console.error: {:?}", call.params.args));
            }
            Event::RuntimeExceptionThrown(thrown) => {
                seen.errors
                    .push(thrown.params.exception_details.text.clone());
            }
            Event::NetworkRequestWillBeSent(request) => {
                seen.requests.push(request.params.request.url.clone());
            }
            _ => {}
        }
    }))
    .expect("listener");
    tab.enable_log().expect("Log.enable");
    tab.enable_runtime().expect("Runtime.enable");
    tab.call_method(Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        report_direct_socket_traffic: None,
        enable_durable_messages: None,
    })
    .expect("Network.enable");
    observed
}

fn file_url(path: &Path) -> String {
    url::Url::from_file_path(path)
        .expect("absolute path")
        .to_string()
}

fn eval_bool(tab: &Tab, expression: &str) -> bool {
    tab.evaluate(expression, false)
        .expect("evaluates")
        .value
        .and_then(|v| v.as_bool())
        .unwrap_or_else(|| panic!("{expression} is not a boolean"))
}

fn eval_string(tab: &Tab, expression: &str) -> String {
    tab.evaluate(expression, false)
        .expect("evaluates")
        .value
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[test]
fn plan_works_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED html_browser: no Chromium (apt-get install chromium, or set CHROME), this test did not run"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");

    // The hostile report: every field of the plan filled, hostile titles included.
    let page = dir.path().join("hostile.html");
    let mut html = Vec::new();
    credaudit::report::html::render(&plan::hostile_report(), &mut html).unwrap();
    std::fs::write(&page, html).unwrap();

    let browser = launch(&chromium, &profile);
    let tab = browser.new_tab().expect("tab");
    let observed = observe(&tab);
    let url = file_url(&page);
    tab.navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();

    // The list renders, and the script ran (it shows the controls and the progress).
    let items = tab.wait_for_elements("li.account").expect("the list");
    assert_eq!(items.len(), 5);
    assert!(eval_bool(
        &tab,
        "!document.getElementById('controls').hidden"
    ));
    assert_eq!(
        eval_string(&tab, "document.getElementById('progress').textContent"),
        "1 of 5 done"
    );
    assert!(eval_bool(
        &tab,
        "document.querySelectorAll('svg.chart').length === 3"
    ));

    // A tick survives a reload (local storage, keyed by the account key).
    tab.find_element("li.account input.tick")
        .unwrap()
        .click()
        .unwrap();
    assert_eq!(
        eval_string(&tab, "document.getElementById('progress').textContent"),
        "2 of 5 done"
    );
    tab.reload(false, None)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_elements("li.account").unwrap();
    assert!(eval_bool(
        &tab,
        "document.querySelector('li.account input.tick').checked"
    ));
    assert!(eval_bool(
        &tab,
        "localStorage.getItem('credaudit-done:id:rakuma') === '1'"
    ));

    // Filtering hides what does not match.
    assert!(eval_bool(
        &tab,
        "(function(){var f=document.getElementById('filter');f.value='gmail';\
         f.dispatchEvent(new Event('input'));\
         return document.querySelectorAll('li.account:not([hidden])').length === 1;})()"
    ));

    // Print, dark mode and phone width, as the browser applies them.
    let media = |media: &str, features: Vec<(&str, &str)>| {
        tab.call_method(Emulation::SetEmulatedMedia {
            media: Some(media.to_owned()),
            features: Some(
                features
                    .into_iter()
                    .map(|(name, value)| Emulation::MediaFeature {
                        name: name.to_owned(),
                        value: value.to_owned(),
                    })
                    .collect(),
            ),
        })
        .expect("emulated media");
    };
    let background = "getComputedStyle(document.body).backgroundColor";
    media("screen", vec![("prefers-color-scheme", "light")]);
    let light = eval_string(&tab, background);
    media("screen", vec![("prefers-color-scheme", "dark")]);
    assert_ne!(eval_string(&tab, background), light, "dark mode");
    media("print", vec![]);
    assert!(eval_bool(
        &tab,
        "getComputedStyle(document.getElementById('controls')).display === 'none'"
    ));
    media("screen", vec![]);
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width: 390,
        height: 844,
        device_scale_factor: 1.0,
        mobile: true,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .expect("phone width");
    assert!(
        eval_bool(
            &tab,
            "document.documentElement.scrollWidth <= window.innerWidth + 1"
        ),
        "the page scrolls sideways at phone width"
    );
    tab.call_method(Emulation::ClearDeviceMetricsOverride(None))
        .expect("desktop width");

    // Every picture drawn (the demo vault has no groups until the plan model fills them).
    let png = tab
        .capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("screenshot");
    std::fs::write(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/plan-hostile.png"),
        png,
    )
    .expect("screenshot written");

    // The demo vault through the binary: the page a user gets, and the README's screenshot.
    let home = tempfile::tempdir().unwrap();
    let demo_page = dir.path().join("plan.html");
    let status = binary::credaudit(home.path())
        .args(binary::DEMO_AFTER_TAKEOVER)
        .args(["-o", "html", "--output-file"])
        .arg(&demo_page)
        .output()
        .unwrap()
        .status;
    assert_eq!(status.code(), Some(1));
    let demo_url = file_url(&demo_page);
    tab.navigate_to(&demo_url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    assert!(!tab.wait_for_elements("li.account").unwrap().is_empty());
    let png = tab
        .capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
        .expect("screenshot");
    let target = std::env::var_os("CREDAUDIT_SCREENSHOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/plan.png"));
    std::fs::write(&target, png).expect("screenshot written");

    let observed = observed.lock().unwrap();
    assert!(
        observed.errors.is_empty(),
        "console errors: {:?}",
        observed.errors
    );
    assert!(!observed.requests.is_empty(), "no request seen at all");
    for request in &observed.requests {
        assert!(
            request == &url || request == &demo_url,
            "the page requested {request}"
        );
    }
}
