-- The groupfolders app's tables as its migrations leave them (see groupfolders.md), and core's oc_appconfig.
CREATE TABLE oc_group_folders (
  folder_id   INTEGER PRIMARY KEY AUTOINCREMENT,  -- bigint
  mount_point TEXT NOT NULL,                      -- varchar(128)
  quota       INTEGER NOT NULL DEFAULT -3,        -- bigint
  acl         INTEGER DEFAULT 0,                  -- smallint
  root_id     INTEGER,                            -- bigint NULL (2025)
  storage_id  INTEGER,                            -- bigint NULL (2025)
  options     TEXT                                -- JSON NULL (2025)
);
CREATE TABLE oc_group_folders_groups (
  applicable_id INTEGER PRIMARY KEY AUTOINCREMENT,
  folder_id     INTEGER NOT NULL,
  permissions   INTEGER NOT NULL,
  group_id      TEXT
);
CREATE TABLE oc_appconfig (
  appid       TEXT NOT NULL,                      -- varchar(32)
  configkey   TEXT NOT NULL,                      -- varchar(64)
  configvalue TEXT
);
