"""Identity providers and single sign-on (contract §2.2, §3.1.7-3.1.8, §3.2): OIDC providers per organization."""
