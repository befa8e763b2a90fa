#include "micro/kernels/detection_postprocess.h"

#include <stddef.h>
#include <string.h>

#include "micro/kernel.h"
#include "check.h"
#include "exp_f64.h"

/* Scratch, in 4-byte words: N = num_boxes, M = candidates of regular NMS. */
typedef struct {
    float *decoded;      /* [N][4] ymin, xmin, ymax, xmax */
    float *class_scores; /* [N] one class's scores, or each anchor's best */
    float *keep_scores;  /* [N] */
    int32_t *keep;       /* [N] anchors of the kept scores */
    int32_t *active;     /* [N] */
    int32_t *selected;   /* [N] */
    int32_t *best_class; /* [N] fast NMS: each anchor's best class */
    int32_t *cand_box;   /* [M] regular NMS: anchor * (label_offset + C) + label */
    float *cand_score;   /* [M] */
    int32_t *tmp_box;    /* [M] */
    float *tmp_score;    /* [M] */
    int32_t *order;      /* [max(N, M)] */
    int32_t *merge;      /* [max(N, M)] */
} scratch_t;

static int64_t candidates(const micro_detection_postprocess_params_t *p)
{
    const int32_t per_class =
        p->detections_per_class < p->num_boxes ? p->detections_per_class : p->num_boxes;
    return (int64_t)p->max_detections + per_class;
}

static int64_t sort_size(const micro_detection_postprocess_params_t *p)
{
    const int64_t m = candidates(p);
    return m > p->num_boxes ? m : p->num_boxes;
}

int64_t micro_detection_postprocess_scratch_size(const micro_detection_postprocess_params_t *p)
{
    return 4 * (11 * (int64_t)p->num_boxes + 4 * candidates(p) + 2 * sort_size(p));
}

static scratch_t carve(const micro_detection_postprocess_params_t *p, void *base)
{
    const ptrdiff_t n = p->num_boxes, m = (ptrdiff_t)candidates(p), s = (ptrdiff_t)sort_size(p);
    uint32_t *w = base; /* every region is 4-byte words */
    scratch_t t;
    t.decoded = (float *)w;
    t.class_scores = (float *)(w + 4 * n);
    t.keep_scores = (float *)(w + 5 * n);
    t.keep = (int32_t *)(w + 6 * n);
    t.active = (int32_t *)(w + 7 * n);
    t.selected = (int32_t *)(w + 8 * n);
    t.best_class = (int32_t *)(w + 9 * n);
    t.order = (int32_t *)(w + 10 * n);
    t.merge = (int32_t *)(w + 10 * n + s);
    t.cand_box = (int32_t *)(w + 10 * n + 2 * s);
    t.cand_score = (float *)(w + 10 * n + 2 * s + m);
    t.tmp_box = (int32_t *)(w + 10 * n + 2 * s + 2 * m);
    t.tmp_score = (float *)(w + 10 * n + 2 * s + 3 * m);
    return t;
}

/* order[0, n) = 0 .. n-1 sorted by decreasing values[], stable (bottom-up merge sort). */
static void sort_decreasing(const float *values, int32_t n, int32_t *order, int32_t *tmp)
{
    for (int32_t i = 0; i < n; ++i) {
        order[i] = i;
    }
    for (int32_t width = 1; width < n; width *= 2) {
        for (int32_t lo = 0; lo < n; lo += 2 * width) {
            const int32_t mid = lo + width < n ? lo + width : n;
            const int32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            int32_t a = lo, b = mid, k = lo;
            while (k < hi) {
                /* the right run goes first only when strictly greater: stable */
                if (a >= mid || (b < hi && values[order[b]] > values[order[a]])) {
                    tmp[k++] = order[b++];
                } else {
                    tmp[k++] = order[a++];
                }
            }
        }
        memcpy(order, tmp, (size_t)n * sizeof *order);
    }
}

static float max_f(float a, float b) { return a < b ? b : a; } /* std::max */
static float min_f(float a, float b) { return b < a ? b : a; } /* std::min */

static float iou(const float *boxes, int32_t i, int32_t j)
{
    const float *a = boxes + 4 * (ptrdiff_t)i, *b = boxes + 4 * (ptrdiff_t)j;
    const float area_a = (a[2] - a[0]) * (a[3] - a[1]);
    const float area_b = (b[2] - b[0]) * (b[3] - b[1]);
    if (area_a <= 0 || area_b <= 0) {
        return 0.0f;
    }
    const float ymin = max_f(a[0], b[0]), xmin = max_f(a[1], b[1]);
    const float ymax = min_f(a[2], b[2]), xmax = min_f(a[3], b[3]);
    const float inter = max_f(ymax - ymin, 0.0f) * max_f(xmax - xmin, 0.0f);
    return inter / (area_a + area_b - inter);
}

/* Greedy NMS over scores[N]: selected anchors in decreasing score; their count. */
static int32_t nms(const micro_detection_postprocess_params_t *p, const scratch_t *t,
                   const float *scores, int32_t limit)
{
    int32_t kept = 0;
    for (int32_t i = 0; i < p->num_boxes; ++i) {
        if (scores[i] >= p->score_threshold) {
            t->keep_scores[kept] = scores[i];
            t->keep[kept++] = i;
        }
    }
    sort_decreasing(t->keep_scores, kept, t->order, t->merge);
    const int32_t out_size = kept < limit ? kept : limit;
    int32_t n_selected = 0, n_active = kept;
    for (int32_t i = 0; i < kept; ++i) {
        t->active[i] = 1;
    }
    for (int32_t i = 0; i < kept && n_active > 0 && n_selected < out_size; ++i) {
        if (!t->active[i]) {
            continue;
        }
        const int32_t box = t->keep[t->order[i]];
        t->selected[n_selected++] = box;
        t->active[i] = 0;
        --n_active;
        for (int32_t j = i + 1; j < kept; ++j) {
            if (t->active[j] && iou(t->decoded, box, t->keep[t->order[j]]) > p->iou_threshold) {
                t->active[j] = 0;
                --n_active;
            }
        }
    }
    return n_selected;
}

static int decode(const micro_detection_postprocess_params_t *p, const float *boxes,
                  const float *anchors, float *decoded)
{
    for (int32_t i = 0; i < p->num_boxes; ++i) {
        const float *e = boxes + (ptrdiff_t)i * p->encoding_stride;
        const float *a = anchors + 4 * (ptrdiff_t)i;
        const float yc = (float)((double)e[0] / (double)p->y_scale * (double)a[2] + (double)a[0]);
        const float xc = (float)((double)e[1] / (double)p->x_scale * (double)a[3] + (double)a[1]);
        const float hh = (float)(0.5 * micro_exp_f64((double)e[2] / (double)p->h_scale) *
                                 (double)a[2]);
        const float hw = (float)(0.5 * micro_exp_f64((double)e[3] / (double)p->w_scale) *
                                 (double)a[3]);
        float *d = decoded + 4 * (ptrdiff_t)i;
        d[0] = yc - hh;
        d[1] = xc - hw;
        d[2] = yc + hh;
        d[3] = xc + hw;
    }
    for (int32_t i = 0; i < p->num_boxes; ++i) {
        const float *d = decoded + 4 * (ptrdiff_t)i;
        if (!(d[0] < d[2]) || !(d[1] < d[3])) { /* TFLM's ValidateBoxes: a NaN fails too */
            return 0;
        }
    }
    return 1;
}

static int32_t regular(const micro_detection_postprocess_params_t *p, const scratch_t *t,
                       const float *scores)
{
    const int32_t width = p->num_classes + p->label_offset;
    int32_t count = 0;
    for (int32_t c = 0; c < p->num_classes; ++c) {
        for (int32_t i = 0; i < p->num_boxes; ++i) {
            t->class_scores[i] = scores[(ptrdiff_t)i * width + c + p->label_offset];
        }
        const int32_t n = nms(p, t, t->class_scores, p->detections_per_class);
        int32_t total = count;
        for (int32_t k = 0; k < n; ++k, ++total) {
            t->cand_box[total] = t->selected[k] * width + c + p->label_offset;
            t->cand_score[total] = t->class_scores[t->selected[k]];
        }
        /* TFLM's partial sort orders by (score, then earlier index): a stable sort. */
        sort_decreasing(t->cand_score, total, t->order, t->merge);
        count = total < p->max_detections ? total : p->max_detections;
        for (int32_t k = 0; k < count; ++k) {
            t->tmp_box[k] = t->cand_box[t->order[k]];
            t->tmp_score[k] = t->cand_score[t->order[k]];
        }
        memcpy(t->cand_box, t->tmp_box, (size_t)count * sizeof *t->cand_box);
        memcpy(t->cand_score, t->tmp_score, (size_t)count * sizeof *t->cand_score);
    }
    return count;
}

micro_status_t micro_detection_postprocess(const micro_detection_postprocess_params_t *p,
                                           const float *boxes, const float *scores,
                                           const float *anchors, void *scratch,
                                           float *out_boxes, float *out_classes,
                                           float *out_scores, float *out_count)
{
    const scratch_t t = carve(p, scratch);
    const int32_t width = p->num_classes + p->label_offset;
    if (!decode(p, boxes, anchors, t.decoded)) {
        return MICRO_ERR_PARAMS;
    }
    const size_t slots = (size_t)p->out_slots;
    memset(out_boxes, 0, 4 * slots * sizeof *out_boxes);
    memset(out_classes, 0, slots * sizeof *out_classes);
    memset(out_scores, 0, slots * sizeof *out_scores);
    int32_t count;
    if (p->use_regular_nms) {
        count = regular(p, &t, scores);
        for (int32_t k = 0; k < count; ++k) {
            const int32_t anchor = t.cand_box[k] / width;
            memcpy(out_boxes + 4 * k, t.decoded + 4 * (ptrdiff_t)anchor, 4 * sizeof(float));
            out_classes[k] = (float)(t.cand_box[k] - anchor * width - p->label_offset);
            out_scores[k] = t.cand_score[k];
        }
    } else {
        for (int32_t i = 0; i < p->num_boxes; ++i) { /* best class, the first of ties */
            const float *s = scores + (ptrdiff_t)i * width + p->label_offset;
            int32_t best = 0;
            for (int32_t c = 1; c < p->num_classes; ++c) {
                best = s[c] > s[best] ? c : best;
            }
            t.best_class[i] = best;
            t.class_scores[i] = s[best];
        }
        count = nms(p, &t, t.class_scores, p->max_detections);
        for (int32_t k = 0; k < count; ++k) {
            const int32_t anchor = t.selected[k];
            memcpy(out_boxes + 4 * k, t.decoded + 4 * (ptrdiff_t)anchor, 4 * sizeof(float));
            out_classes[k] = (float)t.best_class[anchor];
            out_scores[k] = t.class_scores[anchor];
        }
    }
    out_count[0] = (float)count;
    return MICRO_OK;
}

static micro_status_t step(const void *params, void *const *op)
{
    return micro_detection_postprocess(params, op[0], op[1], op[2], op[3], op[4], op[5], op[6],
                                       op[7]);
}

static micro_status_t check(const void *params, void *const *op, const uint32_t *size)
{
    const micro_detection_postprocess_params_t *p = params;
    (void)op;
    if (p->num_boxes < 1 || p->encoding_stride < 4 || p->num_classes < 1 ||
        !micro_in_range(p->label_offset, 0, 1) || p->max_detections < 1 ||
        p->out_slots < p->max_detections || p->out_slots > (1 << 24) ||
        p->detections_per_class < 1 || !micro_in_range(p->use_regular_nms, 0, 1) ||
        !(p->iou_threshold > 0.0f && p->iou_threshold <= 1.0f) ||
        p->num_boxes > (1 << 24) || p->num_classes > (1 << 24) ||
        p->max_detections > (1 << 24) || p->encoding_stride > (1 << 24)) {
        return MICRO_ERR_PARAMS;
    }
    const int64_t n = p->num_boxes;
    const int64_t width = (int64_t)p->num_classes + p->label_offset;
    if (!micro_fits(size[0], n * p->encoding_stride, 4) || !micro_fits(size[1], n * width, 4) ||
        !micro_fits(size[2], n * 4, 4) ||
        !micro_fits(size[3], micro_detection_postprocess_scratch_size(p), 1) ||
        !micro_fits(size[4], (int64_t)p->out_slots * 4, 4) ||
        !micro_fits(size[5], p->out_slots, 4) || !micro_fits(size[6], p->out_slots, 4) ||
        !micro_fits(size[7], 1, 4) || n * width > INT32_MAX) {
        return MICRO_ERR_OPERANDS;
    }
    return MICRO_OK;
}

/* Overlap rule: none (boxes and scores are read for every class and every kept box). */
const micro_kernel_t micro_kernel_detection_postprocess = {
    step, check, sizeof(micro_detection_postprocess_params_t),
    MICRO_DETECTION_POSTPROCESS_N_OPERANDS, MICRO_OVERLAP_NONE};
