SELECT
  "t5"."hour",
  "t5"."model_raw",
  "t5"."workspace",
  "t5"."api_key",
  "t5"."project",
  "t5"."user",
  "t5"."tag",
  "t5"."task",
  "t5"."service_tier",
  "t5"."context_window",
  "t5"."inference_geo",
  "t5"."speed",
  CAST(COUNT(*) AS DOUBLE) AS "requests",
  SUM("t5"."input_tokens") AS "input_tokens",
  SUM("t5"."cache_write_5m_tokens") AS "cache_write_5m_tokens",
  SUM("t5"."cache_write_1h_tokens") AS "cache_write_1h_tokens",
  SUM("t5"."cache_read_tokens") AS "cache_read_tokens",
  SUM("t5"."output_tokens") AS "output_tokens",
  SUM("t5"."reported_cost_usd") AS "reported_cost_usd",
  SUM("t5"."latency_s") AS "latency_s_sum",
  SUM("t5"."ttft_s") AS "ttft_s_sum",
  CAST(COUNT("t5"."latency_s") AS DOUBLE) AS "timed_requests"
FROM (
  SELECT
    "t4"."start",
    "t4"."model_raw",
    "t4"."workspace",
    "t4"."api_key",
    "t4"."project",
    "t4"."user",
    "t4"."tag",
    "t4"."task",
    "t4"."service_tier",
    "t4"."inference_geo",
    "t4"."speed",
    "t4"."input_tokens",
    "t4"."cache_write_5m_tokens",
    "t4"."cache_write_1h_tokens",
    "t4"."cache_read_tokens",
    "t4"."output_tokens",
    "t4"."reported_cost_usd",
    "t4"."latency_s",
    "t4"."ttft_s",
    "t4"."request_id",
    "t4"."chk_skip",
    "t4"."chk_bad",
    "t4"."chk_no_model",
    "t4"."chk_tokens",
    "t4"."chk_hit",
    "t4"."chk_bad_meta",
    DATE_TRUNC('HOUR', "t4"."start") AS "hour",
    CASE
      WHEN (
        0.0 + "t4"."input_tokens" + "t4"."cache_write_5m_tokens" + "t4"."cache_write_1h_tokens" + "t4"."cache_read_tokens"
      ) > 200000
      THEN '>200k'
      ELSE '0-32k'
    END AS "context_window"
  FROM (
    SELECT
      "t3"."start",
      "t3"."model_raw",
      CAST(NULL AS VARCHAR) AS "workspace",
      "t3"."api_key",
      "t3"."project",
      "t3"."user",
      "t3"."tag",
      CAST(NULL AS VARCHAR) AS "task",
      CAST(NULL AS VARCHAR) AS "service_tier",
      CAST(NULL AS VARCHAR) AS "inference_geo",
      CAST(NULL AS VARCHAR) AS "speed",
      GREATEST(
        IFF(
          (
            (
              (
                (
                  "t3"."prompt" - "t3"."read"
                ) - "t3"."w5"
              ) - "t3"."w1h"
            ) < 0
          )
          AND (
            (
              "t3"."prompt" - "t3"."read"
            ) >= 0
          ),
          "t3"."prompt" - "t3"."read",
          (
            (
              "t3"."prompt" - "t3"."read"
            ) - "t3"."w5"
          ) - "t3"."w1h"
        ),
        0.0
      ) * IFF("t3"."chk_hit", 0.0, 1.0) AS "input_tokens",
      "t3"."w5" * IFF("t3"."chk_hit", 0.0, 1.0) AS "cache_write_5m_tokens",
      "t3"."w1h" * IFF("t3"."chk_hit", 0.0, 1.0) AS "cache_write_1h_tokens",
      "t3"."read" * IFF("t3"."chk_hit", 0.0, 1.0) AS "cache_read_tokens",
      "t3"."completion" * IFF("t3"."chk_hit", 0.0, 1.0) AS "output_tokens",
      "t3"."spend" AS "reported_cost_usd",
      DATEDIFF(MILLISECOND, "t3"."start", "t3"."end") / 1000.0 AS "latency_s",
      IFF(
        "t3"."first" = "t3"."end",
        CAST(NULL AS DOUBLE),
        DATEDIFF(MILLISECOND, "t3"."start", "t3"."first") / 1000.0
      ) AS "ttft_s",
      "t3"."request_id",
      "t3"."chk_skip",
      "t3"."chk_bad",
      "t3"."model_raw" IS NULL AS "chk_no_model",
      (
        "t3"."prompt" + "t3"."completion"
      ) > 0 AS "chk_tokens",
      "t3"."chk_hit",
      "t3"."chk_bad_meta"
    FROM (
      SELECT
        "t2"."start",
        "t2"."end",
        "t2"."first",
        COALESCE("t2"."prompt", 0.0) AS "prompt",
        COALESCE("t2"."completion", 0.0) AS "completion",
        "t2"."spend",
        "t2"."meta",
        "t2"."has_cache",
        "t2"."model_raw",
        "t2"."api_key",
        "t2"."project",
        "t2"."user",
        "t2"."tag",
        "t2"."request_id",
        "t2"."chk_hit",
        "t2"."chk_skip",
        "t2"."given_start",
        "t2"."given_end",
        "t2"."given_first",
        "t2"."given_prompt",
        "t2"."given_completion",
        "t2"."given_spend",
        "t2"."usage",
        "t2"."by_ttl",
        GREATEST(
          COALESCE(
            TRY_CAST(CAST(GET("t2"."usage", 'cache_read_input_tokens') AS VARCHAR) AS DOUBLE),
            TRY_CAST(CAST(GET(GET("t2"."usage", 'prompt_tokens_details'), 'cached_tokens') AS VARCHAR) AS DOUBLE),
            0.0
          ),
          0.0
        ) AS "read",
        GREATEST(
          COALESCE(
            TRY_CAST(CAST(GET("t2"."usage", 'cache_creation_input_tokens') AS VARCHAR) AS DOUBLE),
            TRY_CAST(CAST(GET(GET("t2"."usage", 'prompt_tokens_details'), 'cache_creation_tokens') AS VARCHAR) AS DOUBLE),
            0.0
          ),
          0.0
        ) - LEAST(
          GREATEST(
            COALESCE(
              TRY_CAST(CAST(GET("t2"."by_ttl", 'ephemeral_1h_input_tokens') AS VARCHAR) AS DOUBLE),
              0.0
            ),
            0.0
          ),
          GREATEST(
            COALESCE(
              TRY_CAST(CAST(GET("t2"."usage", 'cache_creation_input_tokens') AS VARCHAR) AS DOUBLE),
              TRY_CAST(CAST(GET(GET("t2"."usage", 'prompt_tokens_details'), 'cache_creation_tokens') AS VARCHAR) AS DOUBLE),
              0.0
            ),
            0.0
          )
        ) AS "w5",
        LEAST(
          GREATEST(
            COALESCE(
              TRY_CAST(CAST(GET("t2"."by_ttl", 'ephemeral_1h_input_tokens') AS VARCHAR) AS DOUBLE),
              0.0
            ),
            0.0
          ),
          GREATEST(
            COALESCE(
              TRY_CAST(CAST(GET("t2"."usage", 'cache_creation_input_tokens') AS VARCHAR) AS DOUBLE),
              TRY_CAST(CAST(GET(GET("t2"."usage", 'prompt_tokens_details'), 'cache_creation_tokens') AS VARCHAR) AS DOUBLE),
              0.0
            ),
            0.0
          )
        ) AS "w1h",
        "t2"."has_cache" AND (
          "t2"."meta" IS NULL
        ) AS "chk_bad_meta",
        CASE
          WHEN COALESCE("t2"."given_start" AND (
            "t2"."start" IS NULL
          ), FALSE)
          THEN 'starttime'
          WHEN COALESCE("t2"."given_end" AND (
            "t2"."end" IS NULL
          ), FALSE)
          THEN 'endtime'
          WHEN COALESCE("t2"."given_first" AND (
            "t2"."first" IS NULL
          ), FALSE)
          THEN 'completionstarttime'
          WHEN COALESCE(
            (
              "t2"."given_prompt" AND (
                "t2"."prompt" IS NULL
              )
            )
            OR (
              "t2"."prompt" < 0
            ),
            FALSE
          )
          THEN 'prompt_tokens'
          WHEN COALESCE(
            (
              "t2"."given_completion" AND (
                "t2"."completion" IS NULL
              )
            )
            OR (
              "t2"."completion" < 0
            ),
            FALSE
          )
          THEN 'completion_tokens'
          WHEN COALESCE(
            (
              "t2"."given_spend" AND (
                "t2"."spend" IS NULL
              )
            )
            OR (
              "t2"."spend" < 0
            ),
            FALSE
          )
          THEN 'spend'
          ELSE CAST(NULL AS VARCHAR)
        END AS "chk_bad"
      FROM (
        SELECT
          "t1"."start",
          "t1"."end",
          "t1"."first",
          "t1"."prompt",
          "t1"."completion",
          "t1"."spend",
          "t1"."meta",
          "t1"."has_cache",
          "t1"."model_raw",
          "t1"."api_key",
          "t1"."project",
          "t1"."user",
          "t1"."tag",
          "t1"."request_id",
          "t1"."chk_hit",
          "t1"."chk_skip",
          "t1"."given_start",
          "t1"."given_end",
          "t1"."given_first",
          "t1"."given_prompt",
          "t1"."given_completion",
          "t1"."given_spend",
          COALESCE(GET("t1"."meta", 'usage_object'), GET("t1"."meta", 'usage'), "t1"."meta") AS "usage",
          COALESCE(
            GET(
              COALESCE(GET("t1"."meta", 'usage_object'), GET("t1"."meta", 'usage'), "t1"."meta"),
              'cache_creation_token_details'
            ),
            GET(
              COALESCE(GET("t1"."meta", 'usage_object'), GET("t1"."meta", 'usage'), "t1"."meta"),
              'cache_creation'
            )
          ) AS "by_ttl"
        FROM (
          SELECT
            "t0"."starttime" AS "start",
            "t0"."endtime" AS "end",
            "t0"."completionstarttime" AS "first",
            "t0"."prompt_tokens" AS "prompt",
            "t0"."completion_tokens" AS "completion",
            "t0"."spend",
            IFF(
              COALESCE(CONTAINS("t0"."metadata", 'cache'), FALSE),
              CAST("t0"."metadata" AS VARIANT),
              CAST(NULL AS VARIANT)
            ) AS "meta",
            COALESCE(CONTAINS("t0"."metadata", 'cache'), FALSE) AS "has_cache",
            COALESCE(NULLIF(TRIM("t0"."model"), ''), NULLIF(TRIM("t0"."model_group"), '')) AS "model_raw",
            NULLIF(TRIM("t0"."api_key"), '') AS "api_key",
            NULLIF(TRIM("t0"."team_id"), '') AS "project",
            NULLIF(TRIM("t0"."user"), '') AS "user",
            NULLIF(
              NULLIF(
                IFF(
                  STARTSWITH(NULLIF(TRIM("t0"."request_tags"), ''), '['),
                  TRIM(
                    REPLACE(
                      REPLACE(REPLACE(REPLACE(NULLIF(TRIM("t0"."request_tags"), ''), '[', ''), ']', ''), '"', ''),
                      ', ',
                      ','
                    )
                  ),
                  REGEXP_REPLACE(NULLIF(TRIM("t0"."request_tags"), ''), '^\\{|\\}$', '')
                ),
                ''
              ),
              'null'
            ) AS "tag",
            NULLIF(TRIM("t0"."request_id"), '') AS "request_id",
            COALESCE(LOWER(NULLIF(TRIM("t0"."cache_hit"), '')) = 'true', FALSE) AS "chk_hit",
            CASE
              WHEN (
                NULLIF(TRIM("t0"."request_id"), '') IS NULL
              )
              AND (
                "t0"."starttime" IS NULL
              )
              AND (
                NULLIF(TRIM("t0"."model"), '') IS NULL
              )
              AND (
                "t0"."prompt_tokens" IS NULL
              )
              AND (
                "t0"."completion_tokens" IS NULL
              )
              AND (
                "t0"."spend" IS NULL
              )
              THEN 'blank'
              WHEN COALESCE(
                IFF(
                  SUBSTRING(
                    LOWER(NULLIF(TRIM("t0"."request_id"), '')),
                    IFF((
                      0 + 1
                    ) >= 1, 0 + 1, 0 + 1 + LENGTH(LOWER(NULLIF(TRIM("t0"."request_id"), '')))),
                    5
                  ) IN ('total', 'grand'),
                  REGEXP_LIKE(
                    LOWER(NULLIF(TRIM("t0"."request_id"), '')),
                    CONCAT('.*', '^(grand\\s+)?totals?:?$', '.*'),
                    'cs'
                  ),
                  FALSE
                ),
                FALSE
              )
              THEN 'total'
              ELSE CAST(NULL AS VARCHAR)
            END AS "chk_skip",
            "t0"."starttime" IS NOT NULL AS "given_start",
            "t0"."endtime" IS NOT NULL AS "given_end",
            "t0"."completionstarttime" IS NOT NULL AS "given_first",
            "t0"."prompt_tokens" IS NOT NULL AS "given_prompt",
            "t0"."completion_tokens" IS NOT NULL AS "given_completion",
            "t0"."spend" IS NOT NULL AS "given_spend"
          FROM "spendlogs" AS "t0"
        ) AS "t1"
      ) AS "t2"
    ) AS "t3"
    WHERE
      "t3"."chk_skip" IS NULL AND NOT (
        "t3"."model_raw" IS NULL
      )
  ) AS "t4"
) AS "t5"
GROUP BY
  1,
  2,
  3,
  4,
  5,
  6,
  7,
  8,
  9,
  10,
  11,
  12