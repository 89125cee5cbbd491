//! Offline decryption of Bitwarden password-protected exports (PBKDF2 or Argon2id).
