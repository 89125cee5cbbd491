//! The downloaded Pwned Passwords corpus, searched without a linear scan.
