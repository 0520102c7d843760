"""Council spend: "payments over £500" files, checked, and linked to suppliers and contracts."""
