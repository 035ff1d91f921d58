SELECT
  "t5"."hour" AS "hour",
  "t5"."model_raw" AS "model_raw",
  "t5"."workspace" AS "workspace",
  "t5"."api_key" AS "api_key",
  "t5"."project" AS "project",
  "t5"."user" AS "user",
  "t5"."tag" AS "tag",
  "t5"."task" AS "task",
  "t5"."service_tier" AS "service_tier",
  "t5"."context_window" AS "context_window",
  "t5"."inference_geo" AS "inference_geo",
  "t5"."speed" AS "speed",
  CAST(COUNT(*) AS Nullable(Float64)) AS "requests",
  SUM("t5"."input_tokens") AS "input_tokens",
  SUM("t5"."cache_write_5m_tokens") AS "cache_write_5m_tokens",
  SUM("t5"."cache_write_1h_tokens") AS "cache_write_1h_tokens",
  SUM("t5"."cache_read_tokens") AS "cache_read_tokens",
  SUM("t5"."output_tokens") AS "output_tokens",
  SUM("t5"."reported_cost_usd") AS "reported_cost_usd",
  SUM("t5"."latency_s") AS "latency_s_sum",
  SUM("t5"."ttft_s") AS "ttft_s_sum",
  CAST(COUNT("t5"."latency_s") AS Nullable(Float64)) AS "timed_requests"
FROM (
  SELECT
    "t4"."start" AS "start",
    "t4"."model_raw" AS "model_raw",
    "t4"."workspace" AS "workspace",
    "t4"."api_key" AS "api_key",
    "t4"."project" AS "project",
    "t4"."user" AS "user",
    "t4"."tag" AS "tag",
    "t4"."task" AS "task",
    "t4"."service_tier" AS "service_tier",
    "t4"."inference_geo" AS "inference_geo",
    "t4"."speed" AS "speed",
    "t4"."input_tokens" AS "input_tokens",
    "t4"."cache_write_5m_tokens" AS "cache_write_5m_tokens",
    "t4"."cache_write_1h_tokens" AS "cache_write_1h_tokens",
    "t4"."cache_read_tokens" AS "cache_read_tokens",
    "t4"."output_tokens" AS "output_tokens",
    "t4"."reported_cost_usd" AS "reported_cost_usd",
    "t4"."latency_s" AS "latency_s",
    "t4"."ttft_s" AS "ttft_s",
    "t4"."request_id" AS "request_id",
    "t4"."chk_skip" AS "chk_skip",
    "t4"."chk_bad" AS "chk_bad",
    "t4"."chk_no_model" AS "chk_no_model",
    "t4"."chk_tokens" AS "chk_tokens",
    "t4"."chk_hit" AS "chk_hit",
    "t4"."chk_bad_meta" AS "chk_bad_meta",
    dateTrunc('HOUR', "t4"."start") AS "hour",
    CASE
      WHEN (
        0.0 + "t4"."input_tokens" + "t4"."cache_write_5m_tokens" + "t4"."cache_write_1h_tokens" + "t4"."cache_read_tokens"
      ) > 200000
      THEN '>200k'
      ELSE '0-32k'
    END AS "context_window"
  FROM (
    SELECT
      "t3"."start" AS "start",
      "t3"."model_raw" AS "model_raw",
      CAST(NULL AS Nullable(String)) AS "workspace",
      "t3"."api_key" AS "api_key",
      "t3"."project" AS "project",
      "t3"."user" AS "user",
      "t3"."tag" AS "tag",
      CAST(NULL AS Nullable(String)) AS "task",
      CAST(NULL AS Nullable(String)) AS "service_tier",
      CAST(NULL AS Nullable(String)) AS "inference_geo",
      CAST(NULL AS Nullable(String)) AS "speed",
      GREATEST(
        CASE
          WHEN (
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
          )
          THEN "t3"."prompt" - "t3"."read"
          ELSE (
            (
              "t3"."prompt" - "t3"."read"
            ) - "t3"."w5"
          ) - "t3"."w1h"
        END,
        0.0
      ) * CASE WHEN "t3"."chk_hit" THEN 0.0 ELSE 1.0 END AS "input_tokens",
      "t3"."w5" * CASE WHEN "t3"."chk_hit" THEN 0.0 ELSE 1.0 END AS "cache_write_5m_tokens",
      "t3"."w1h" * CASE WHEN "t3"."chk_hit" THEN 0.0 ELSE 1.0 END AS "cache_write_1h_tokens",
      "t3"."read" * CASE WHEN "t3"."chk_hit" THEN 0.0 ELSE 1.0 END AS "cache_read_tokens",
      "t3"."completion" * CASE WHEN "t3"."chk_hit" THEN 0.0 ELSE 1.0 END AS "output_tokens",
      "t3"."spend" AS "reported_cost_usd",
      DATE_DIFF(MILLISECOND, "t3"."start", "t3"."end") / 1000.0 AS "latency_s",
      CASE
        WHEN "t3"."first" = "t3"."end"
        THEN CAST(NULL AS Nullable(Float64))
        ELSE DATE_DIFF(MILLISECOND, "t3"."start", "t3"."first") / 1000.0
      END AS "ttft_s",
      "t3"."request_id" AS "request_id",
      "t3"."chk_skip" AS "chk_skip",
      "t3"."chk_bad" AS "chk_bad",
      isNull("t3"."model_raw") AS "chk_no_model",
      (
        "t3"."prompt" + "t3"."completion"
      ) > 0 AS "chk_tokens",
      "t3"."chk_hit" AS "chk_hit",
      "t3"."chk_bad_meta" AS "chk_bad_meta"
    FROM (
      SELECT
        "t2"."start" AS "start",
        "t2"."end" AS "end",
        "t2"."first" AS "first",
        COALESCE("t2"."prompt", 0.0) AS "prompt",
        COALESCE("t2"."completion", 0.0) AS "completion",
        "t2"."spend" AS "spend",
        "t2"."meta" AS "meta",
        "t2"."has_cache" AS "has_cache",
        "t2"."model_raw" AS "model_raw",
        "t2"."api_key" AS "api_key",
        "t2"."project" AS "project",
        "t2"."user" AS "user",
        "t2"."tag" AS "tag",
        "t2"."request_id" AS "request_id",
        "t2"."chk_hit" AS "chk_hit",
        "t2"."chk_skip" AS "chk_skip",
        "t2"."given_start" AS "given_start",
        "t2"."given_end" AS "given_end",
        "t2"."given_first" AS "given_first",
        "t2"."given_prompt" AS "given_prompt",
        "t2"."given_completion" AS "given_completion",
        "t2"."given_spend" AS "given_spend",
        "t2"."usage" AS "usage",
        "t2"."by_ttl" AS "by_ttl",
        GREATEST(
          COALESCE(
            accurateCastOrNull(
              CAST(JSONExtractRaw("t2"."usage", 'cache_read_input_tokens') AS Nullable(String)),
              'Nullable(Float64)'
            ),
            accurateCastOrNull(
              CAST(JSONExtractRaw(JSONExtractRaw("t2"."usage", 'prompt_tokens_details'), 'cached_tokens') AS Nullable(String)),
              'Nullable(Float64)'
            ),
            0.0
          ),
          0.0
        ) AS "read",
        GREATEST(
          COALESCE(
            accurateCastOrNull(
              CAST(JSONExtractRaw("t2"."usage", 'cache_creation_input_tokens') AS Nullable(String)),
              'Nullable(Float64)'
            ),
            accurateCastOrNull(
              CAST(JSONExtractRaw(JSONExtractRaw("t2"."usage", 'prompt_tokens_details'), 'cache_creation_tokens') AS Nullable(String)),
              'Nullable(Float64)'
            ),
            0.0
          ),
          0.0
        ) - LEAST(
          GREATEST(
            COALESCE(
              accurateCastOrNull(
                CAST(JSONExtractRaw("t2"."by_ttl", 'ephemeral_1h_input_tokens') AS Nullable(String)),
                'Nullable(Float64)'
              ),
              0.0
            ),
            0.0
          ),
          GREATEST(
            COALESCE(
              accurateCastOrNull(
                CAST(JSONExtractRaw("t2"."usage", 'cache_creation_input_tokens') AS Nullable(String)),
                'Nullable(Float64)'
              ),
              accurateCastOrNull(
                CAST(JSONExtractRaw(JSONExtractRaw("t2"."usage", 'prompt_tokens_details'), 'cache_creation_tokens') AS Nullable(String)),
                'Nullable(Float64)'
              ),
              0.0
            ),
            0.0
          )
        ) AS "w5",
        LEAST(
          GREATEST(
            COALESCE(
              accurateCastOrNull(
                CAST(JSONExtractRaw("t2"."by_ttl", 'ephemeral_1h_input_tokens') AS Nullable(String)),
                'Nullable(Float64)'
              ),
              0.0
            ),
            0.0
          ),
          GREATEST(
            COALESCE(
              accurateCastOrNull(
                CAST(JSONExtractRaw("t2"."usage", 'cache_creation_input_tokens') AS Nullable(String)),
                'Nullable(Float64)'
              ),
              accurateCastOrNull(
                CAST(JSONExtractRaw(JSONExtractRaw("t2"."usage", 'prompt_tokens_details'), 'cache_creation_tokens') AS Nullable(String)),
                'Nullable(Float64)'
              ),
              0.0
            ),
            0.0
          )
        ) AS "w1h",
        "t2"."has_cache" AND isNull("t2"."meta") AS "chk_bad_meta",
        CASE
          WHEN COALESCE("t2"."given_start" AND isNull("t2"."start"), FALSE)
          THEN 'starttime'
          WHEN COALESCE("t2"."given_end" AND isNull("t2"."end"), FALSE)
          THEN 'endtime'
          WHEN COALESCE("t2"."given_first" AND isNull("t2"."first"), FALSE)
          THEN 'completionstarttime'
          WHEN COALESCE(
            (
              "t2"."given_prompt" AND isNull("t2"."prompt")
            ) OR (
              "t2"."prompt" < 0
            ),
            FALSE
          )
          THEN 'prompt_tokens'
          WHEN COALESCE(
            (
              "t2"."given_completion" AND isNull("t2"."completion")
            )
            OR (
              "t2"."completion" < 0
            ),
            FALSE
          )
          THEN 'completion_tokens'
          WHEN COALESCE((
            "t2"."given_spend" AND isNull("t2"."spend")
          ) OR (
            "t2"."spend" < 0
          ), FALSE)
          THEN 'spend'
          ELSE CAST(NULL AS Nullable(String))
        END AS "chk_bad"
      FROM (
        SELECT
          "t1"."start" AS "start",
          "t1"."end" AS "end",
          "t1"."first" AS "first",
          "t1"."prompt" AS "prompt",
          "t1"."completion" AS "completion",
          "t1"."spend" AS "spend",
          "t1"."meta" AS "meta",
          "t1"."has_cache" AS "has_cache",
          "t1"."model_raw" AS "model_raw",
          "t1"."api_key" AS "api_key",
          "t1"."project" AS "project",
          "t1"."user" AS "user",
          "t1"."tag" AS "tag",
          "t1"."request_id" AS "request_id",
          "t1"."chk_hit" AS "chk_hit",
          "t1"."chk_skip" AS "chk_skip",
          "t1"."given_start" AS "given_start",
          "t1"."given_end" AS "given_end",
          "t1"."given_first" AS "given_first",
          "t1"."given_prompt" AS "given_prompt",
          "t1"."given_completion" AS "given_completion",
          "t1"."given_spend" AS "given_spend",
          COALESCE(
            JSONExtractRaw("t1"."meta", 'usage_object'),
            JSONExtractRaw("t1"."meta", 'usage'),
            "t1"."meta"
          ) AS "usage",
          COALESCE(
            JSONExtractRaw(
              COALESCE(
                JSONExtractRaw("t1"."meta", 'usage_object'),
                JSONExtractRaw("t1"."meta", 'usage'),
                "t1"."meta"
              ),
              'cache_creation_token_details'
            ),
            JSONExtractRaw(
              COALESCE(
                JSONExtractRaw("t1"."meta", 'usage_object'),
                JSONExtractRaw("t1"."meta", 'usage'),
                "t1"."meta"
              ),
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
            "t0"."spend" AS "spend",
            CASE
              WHEN COALESCE(position("t0"."metadata", 'cache') > 0, FALSE)
              THEN accurateCastOrNull("t0"."metadata", 'Nullable(JSON)')
              ELSE CAST(NULL AS Nullable(JSON))
            END AS "meta",
            COALESCE(position("t0"."metadata", 'cache') > 0, FALSE) AS "has_cache",
            COALESCE(nullIf(TRIM("t0"."model"), ''), nullIf(TRIM("t0"."model_group"), '')) AS "model_raw",
            nullIf(TRIM("t0"."api_key"), '') AS "api_key",
            nullIf(TRIM("t0"."team_id"), '') AS "project",
            nullIf(TRIM("t0"."user"), '') AS "user",
            nullIf(
              nullIf(
                CASE
                  WHEN startsWith(nullIf(TRIM("t0"."request_tags"), ''), '[')
                  THEN TRIM(
                    replaceAll(
                      replaceAll(
                        replaceAll(replaceAll(nullIf(TRIM("t0"."request_tags"), ''), '[', ''), ']', ''),
                        '"',
                        ''
                      ),
                      ', ',
                      ','
                    )
                  )
                  ELSE replaceRegexpAll(nullIf(TRIM("t0"."request_tags"), ''), '^\\{|\\}$', '')
                END,
                ''
              ),
              'null'
            ) AS "tag",
            nullIf(TRIM("t0"."request_id"), '') AS "request_id",
            COALESCE(LOWER(nullIf(TRIM("t0"."cache_hit"), '')) = 'true', FALSE) AS "chk_hit",
            CASE
              WHEN isNull(nullIf(TRIM("t0"."request_id"), ''))
              AND isNull("t0"."starttime")
              AND isNull(nullIf(TRIM("t0"."model"), ''))
              AND isNull("t0"."prompt_tokens")
              AND isNull("t0"."completion_tokens")
              AND isNull("t0"."spend")
              THEN 'blank'
              WHEN COALESCE(
                CASE
                  WHEN SUBSTRING(
                    LOWER(nullIf(TRIM("t0"."request_id"), '')),
                    CASE
                      WHEN (
                        0 + 1
                      ) >= 1
                      THEN 0 + 1
                      ELSE 0 + 1 + LENGTH(LOWER(nullIf(TRIM("t0"."request_id"), '')))
                    END,
                    5
                  ) IN ('total', 'grand')
                  THEN match(LOWER(nullIf(TRIM("t0"."request_id"), '')), '^(grand\\s+)?totals?:?$')
                  ELSE FALSE
                END,
                FALSE
              )
              THEN 'total'
              ELSE CAST(NULL AS Nullable(String))
            END AS "chk_skip",
            isNotNull("t0"."starttime") AS "given_start",
            isNotNull("t0"."endtime") AS "given_end",
            isNotNull("t0"."completionstarttime") AS "given_first",
            isNotNull("t0"."prompt_tokens") AS "given_prompt",
            isNotNull("t0"."completion_tokens") AS "given_completion",
            isNotNull("t0"."spend") AS "given_spend"
          FROM "spendlogs" AS "t0"
        ) AS "t1"
      ) AS "t2"
    ) AS "t3"
    WHERE
      isNull("t3"."chk_skip") AND NOT (
        isNull("t3"."model_raw")
      )
  ) AS "t4"
) AS "t5"
GROUP BY
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
  "t5"."speed"