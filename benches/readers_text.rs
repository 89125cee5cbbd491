//! Reading 10,000 entries of every text format (`read_bytes`: detection + parsing + model).
//!
//! `cargo bench --bench readers_text` runs criterion. For peak memory, run the bench binary
//! with `READERS_TEXT_MEM=<format>:<entries>` under `/usr/bin/time -v`: it generates the input,
//! reads it once and exits (see BENCHMARKS.md, section 1).

use credaudit::model::Format;
use credaudit::vault::{ReadOptions, Vault, read_bytes};
use criterion::{Criterion, Throughput};
use std::fmt::Write as _;
use std::hint::black_box;

const FORMATS: &[Format] = &[
    Format::KeepassXml,
    Format::KeepassxcCsv,
    Format::Keepass1Csv,
    Format::BitwardenCsv,
    Format::OnepasswordCsv,
    Format::LastpassCsv,
    Format::ChromeCsv,
    Format::FirefoxCsv,
    Format::AppleCsv,
    Format::DashlaneCsv,
    Format::ProtonCsv,
    Format::NordpassCsv,
];

/// A synthetic export of `n` logins, shaped like the real exporter's output.
fn generate(format: Format, n: usize) -> Vec<u8> {
    let mut o = String::with_capacity(n * 200);
    let pw = |i: usize| format!("Pw{i:06}-{}!x", i.wrapping_mul(2_654_435_761) % 100_000);
    let host = |i: usize| format!("site{}.example.com", i % 3000);
    match format {
        Format::KeepassXml => {
            o.push_str("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<KeePassFile>\n\t<Meta>\n\t\t<Generator>KeePassXC</Generator>\n\t\t<RecycleBinUUID>AAAAAAAAAAAAAAAAAAAAAA==</RecycleBinUUID>\n\t</Meta>\n\t<Root>\n\t\t<Group>\n\t\t\t<UUID>AAAAAAAAAAAAAAAAAAAAAQ==</UUID>\n\t\t\t<Name>Root</Name>\n");
            for g in 0..(n / 100).max(1) {
                let _ = write!(
                    o,
                    "\t\t\t<Group>\n\t\t\t\t<UUID>G{g:020}==</UUID>\n\t\t\t\t<Name>Group {g}</Name>\n"
                );
                for i in g * 100..((g + 1) * 100).min(n) {
                    let _ = write!(
                        o,
                        "\t\t\t\t<Entry>\n\t\t\t\t\t<UUID>E{i:020}==</UUID>\n\t\t\t\t\t<Times>\n\t\t\t\t\t\t<LastModificationTime>2021-08-30T17:05:58Z</LastModificationTime>\n\t\t\t\t\t\t<CreationTime>2019-06-16T06:55:07Z</CreationTime>\n\t\t\t\t\t</Times>\n\t\t\t\t\t<String><Key>Title</Key><Value>Entry {i}</Value></String>\n\t\t\t\t\t<String><Key>UserName</Key><Value>user{i}@example.com</Value></String>\n\t\t\t\t\t<String><Key>Password</Key><Value ProtectInMemory=\"True\">{}</Value></String>\n\t\t\t\t\t<String><Key>URL</Key><Value>https://{}/login</Value></String>\n\t\t\t\t\t<String><Key>Notes</Key><Value>note &amp; more for {i}</Value></String>\n\t\t\t\t\t<History>\n\t\t\t\t\t\t<Entry><UUID>E{i:020}==</UUID><Times><LastModificationTime>2020-01-01T00:00:00Z</LastModificationTime></Times><String><Key>Password</Key><Value>old{i}</Value></String></Entry>\n\t\t\t\t\t</History>\n\t\t\t\t</Entry>\n",
                        pw(i),
                        host(i)
                    );
                }
                o.push_str("\t\t\t</Group>\n");
            }
            o.push_str("\t\t</Group>\n\t</Root>\n</KeePassFile>\n");
        }
        _ => {
            let header = match format {
                Format::KeepassxcCsv => {
                    "\"Group\",\"Title\",\"Username\",\"Password\",\"URL\",\"Notes\",\"TOTP\",\"Icon\",\"Last Modified\",\"Created\""
                }
                Format::Keepass1Csv => {
                    "\"Account\",\"Login Name\",\"Password\",\"Web Site\",\"Comments\""
                }
                Format::BitwardenCsv => {
                    "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp"
                }
                Format::OnepasswordCsv => {
                    "Title,Url,Username,Password,OTPAuth,Favorite,Archived,Tags,Notes"
                }
                Format::LastpassCsv => "url,username,password,totp,extra,name,grouping,fav",
                Format::ChromeCsv => "name,url,username,password,note",
                Format::FirefoxCsv => {
                    "\"url\",\"username\",\"password\",\"httpRealm\",\"formActionOrigin\",\"guid\",\"timeCreated\",\"timeLastUsed\",\"timePasswordChanged\""
                }
                Format::AppleCsv => "Title,URL,Username,Password,Notes,OTPAuth",
                Format::DashlaneCsv => {
                    "username,username2,username3,title,password,note,url,category,otpSecret"
                }
                Format::ProtonCsv => {
                    "type,name,url,email,username,password,note,totp,createTime,modifyTime,vault"
                }
                _ => {
                    "name,url,additional_urls,username,password,note,cardholdername,cardnumber,cvc,pin,expirydate,zipcode,folder,shared_folder,full_name,phone_number,email,address1,address2,city,country,state,type,custom_fields"
                }
            };
            o.push_str(header);
            o.push('\n');
            for i in 0..n {
                let (h, p, u) = (host(i), pw(i), format!("user{i}@example.com"));
                let _ = match format {
                    Format::KeepassxcCsv => writeln!(
                        o,
                        "\"Root/Group {}\",\"Entry {i}\",\"{u}\",\"{p}\",\"https://{h}/login\",\"note, with comma\nand a second line\",\"\",\"0\",\"2021-08-30T17:05:58Z\",\"2019-06-16T06:55:07Z\"",
                        i % 50
                    ),
                    Format::Keepass1Csv => {
                        writeln!(o, "\"Entry {i}\",\"{u}\",\"{p}\",\"https://{h}/\",\"\"")
                    }
                    Format::BitwardenCsv => writeln!(
                        o,
                        "Folder {},,login,Entry {i},,,0,\"https://{h},https://www.{h}\",{u},{p},",
                        i % 50
                    ),
                    Format::OnepasswordCsv => writeln!(
                        o,
                        "\"Entry {i}\",\"https://{h}\",\"{u}\",\"{p}\",\"\",\"false\",\"false\",\"\",\"\""
                    ),
                    Format::LastpassCsv => writeln!(
                        o,
                        "https://{h}/login,{u},{p},,,Entry {i},Group {},0",
                        i % 50
                    ),
                    Format::ChromeCsv => writeln!(o, "{h},https://{h}/,{u},{p},"),
                    Format::FirefoxCsv => writeln!(
                        o,
                        "\"https://{h}\",\"{u}\",\"{p}\",,\"https://{h}\",\"{{{i:08}-2bc4-469a-bd66-41fd3b0005e0}}\",\"1612345678900\",\"1612345678900\",\"1612345678900\""
                    ),
                    Format::AppleCsv => writeln!(o, "{h} ({u}),https://{h}/,{u},{p},,"),
                    Format::DashlaneCsv => {
                        writeln!(o, "{u},,,Entry {i},{p},,https://{h}/,Category {},", i % 20)
                    }
                    Format::ProtonCsv => writeln!(
                        o,
                        "login,Entry {i},\"https://{h}/, https://www.{h}/\",{u},,{p},,,1707735320,1707735349,Personal"
                    ),
                    _ => writeln!(
                        o,
                        "Entry {i},https://{h}/,\"[\"\"https://www.{h}/\"\"]\",{u},{p},,,,,,,,Folder {},,,,,,,,,,password,[]",
                        i % 50
                    ),
                };
            }
        }
    }
    o.into_bytes()
}

fn read(bytes: &[u8]) -> Vault {
    let mut password = |_: &str| Ok(None);
    let mut options = ReadOptions {
        format: None,
        key_file: None,
        password: &mut password,
        include_recycled: false,
    };
    match read_bytes("bench", bytes, 0, &mut options) {
        Ok(v) => v,
        Err(e) => panic!("bench input does not read: {e}"),
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("read_10k");
    group.sample_size(20);
    for &format in FORMATS {
        let input = generate(format, 10_000);
        let v = read(&input);
        assert_eq!(v.format, format);
        assert_eq!(v.entries.len(), 10_000, "{format}");
        group.throughput(Throughput::Elements(10_000));
        group.bench_function(format.name(), |b| b.iter(|| read(black_box(&input))));
    }
    group.finish();
}

/// CPU time of this thread, which a loaded machine inflates far less than wall time.
fn thread_cpu() -> std::time::Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe {
        libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t);
    }
    std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// Median thread-CPU time of 15 reads of 10,000 entries per format.
#[allow(clippy::print_stdout)]
fn cpu_times() {
    for &format in FORMATS {
        let input = generate(format, 10_000);
        let mut runs: Vec<f64> = (0..15)
            .map(|_| {
                let t = thread_cpu();
                black_box(read(black_box(&input)));
                (thread_cpu() - t).as_secs_f64() * 1e3
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        println!(
            "{:16} {:>6} KiB  median {:7.2} ms CPU  (min {:.2}, max {:.2})",
            format.name(),
            input.len() / 1024,
            runs[runs.len() / 2],
            runs[0],
            runs[runs.len() - 1]
        );
    }
}

fn main() {
    // `READERS_TEXT_FILE=PATH`: read one file the way `credaudit audit PATH` reads it (a CSV
    // export streams), nothing else, for the reader's peak memory under `/usr/bin/time -v`.
    if let Some(path) = std::env::var_os("READERS_TEXT_FILE") {
        let mut password = |_: &str| Ok(None);
        let mut options = ReadOptions {
            format: None,
            key_file: None,
            password: &mut password,
            include_recycled: false,
        };
        let input = credaudit::vault::Input::Path(path.into());
        let limits = credaudit::vault::Limits::default();
        let read = credaudit::vault::read_limited(&input, 0, &mut options, &limits);
        // Report through the exit status only: library benches do not print.
        std::process::exit(match read {
            Ok(v) if !v.entries.is_empty() => 0,
            _ => 1,
        });
    }
    if let Ok(spec) = std::env::var("READERS_TEXT_MEM") {
        let (name, n) = spec.split_once(':').unwrap_or((spec.as_str(), "100000"));
        let n: usize = n.parse().unwrap_or(100_000);
        let format = FORMATS
            .iter()
            .copied()
            .find(|f| f.name() == name)
            .unwrap_or(Format::ChromeCsv);
        let input = generate(format, n);
        let v = read(&input);
        assert_eq!(v.entries.len(), n);
        // Report through the exit status only: library benches do not print.
        std::process::exit(0);
    }
    if std::env::var_os("READERS_TEXT_CPU").is_some() {
        cpu_times();
        return;
    }
    let mut c = Criterion::default().configure_from_args();
    bench(&mut c);
    c.final_summary();
}
