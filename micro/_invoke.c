/*
 * micro._invoke: Interpreter.invoke as one builtin function (CPython's limited API).
 *
 * A tiny model's invoke (hello_world: three FULLY_CONNECTED steps, about 1,100 instructions
 * of C) costs less than the call that reaches it: a cffi call releases and retakes the GIL
 * and saves errno around every C function, and a Python closure checking the status adds a
 * frame. bind() returns a METH_NOARGS builtin instead, which Python calls through its
 * vectorcall path: it calls the runtime's invoke function (micro_host_invoke, whose
 * address cffi gives) on the runtime's address and returns True for MICRO_OK (0); any
 * other status goes to a Python callable, whose result (or exception) is invoke's. The
 * GIL is released around the C call when the caller asks (a model long enough for other
 * threads to notice the wait), as cffi does.
 *
 * The bound state keeps a reference to the object owning the runtime's memory, so the
 * address stays valid as long as the builtin lives.
 */
#define PY_SSIZE_T_CLEAN
#define Py_LIMITED_API 0x030A0000
#include <Python.h>

#include <stdint.h>

typedef int (*invoke_fn)(uintptr_t rt);

typedef struct {
    PyObject_HEAD
    invoke_fn fn;        /* micro_host_invoke */
    uintptr_t rt;        /* the micro_runtime_t's address */
    int release;         /* release the GIL around the call */
    PyObject *owner;     /* keeps the runtime's memory alive */
    PyObject *on_status; /* called with any status but MICRO_OK */
    PyObject *doc;       /* the builtin's docstring (def.ml_doc points into it) */
    PyMethodDef def;     /* the builtin's definition, alive as long as it is */
} bound_t;

static int bound_traverse(PyObject *self, visitproc visit, void *arg)
{
    bound_t *b = (bound_t *)self;
    Py_VISIT(b->owner);
    Py_VISIT(b->on_status);
    Py_VISIT(b->doc);
    Py_VISIT(Py_TYPE(self)); /* a heap type's instances own a reference to it */
    return 0;
}

static int bound_clear(PyObject *self)
{
    bound_t *b = (bound_t *)self;
    Py_CLEAR(b->owner);
    Py_CLEAR(b->on_status);
    /* def.ml_doc points into doc: cleared only once nothing can call the builtin. */
    return 0;
}

static void bound_dealloc(PyObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    bound_clear(self);
    Py_CLEAR(((bound_t *)self)->doc);
    freefunc release = (freefunc)PyType_GetSlot(type, Py_tp_free);
    release(self);
    Py_DECREF(type);
}

static PyType_Slot bound_slots[] = {
    {Py_tp_traverse, (void *)bound_traverse},
    {Py_tp_clear, (void *)bound_clear},
    {Py_tp_dealloc, (void *)bound_dealloc},
    {0, NULL},
};

static PyType_Spec bound_spec = {
    "micro._invoke.Bound",
    sizeof(bound_t),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    bound_slots,
};

/* The bound invoke: True, or on_status(status)'s result. */
static PyObject *invoke(PyObject *self, PyObject *unused)
{
    const bound_t *b = (const bound_t *)self;
    int status;
    (void)unused;
    if (b->owner == NULL || b->on_status == NULL) { /* cleared by the GC (bound_clear) */
        PyErr_SetString(PyExc_RuntimeError, "invoke: the interpreter's runtime is gone");
        return NULL;
    }
    if (b->release) {
        Py_BEGIN_ALLOW_THREADS
        status = b->fn(b->rt);
        Py_END_ALLOW_THREADS
    } else {
        status = b->fn(b->rt);
    }
    if (status == 0) {
        Py_RETURN_TRUE;
    }
    return PyObject_CallFunction(b->on_status, "i", status);
}

/* bind(fn, rt, owner, on_status, release, doc): the builtin invoke, named "invoke", with
 * the docstring doc. */
static PyObject *bind(PyObject *module, PyObject *args)
{
    unsigned long long fn, rt;
    PyObject *owner, *on_status, *doc;
    int release;
    if (!PyArg_ParseTuple(args, "KKOOpU:bind", &fn, &rt, &owner, &on_status, &release, &doc)) {
        return NULL;
    }
    if (fn == 0 || rt == 0) {
        PyErr_SetString(PyExc_ValueError, "bind: null function or runtime address");
        return NULL;
    }
    if (!PyCallable_Check(on_status)) {
        PyErr_SetString(PyExc_TypeError, "bind: on_status must be callable");
        return NULL;
    }
    const char *text = PyUnicode_AsUTF8AndSize(doc, NULL);
    if (text == NULL) {
        return NULL;
    }
    PyTypeObject *type = (PyTypeObject *)PyObject_GetAttrString(module, "Bound");
    if (type == NULL) {
        return NULL;
    }
    allocfunc alloc = (allocfunc)PyType_GetSlot(type, Py_tp_alloc);
    bound_t *b = (bound_t *)alloc(type, 0);
    Py_DECREF(type);
    if (b == NULL) {
        return NULL;
    }
    b->fn = (invoke_fn)(uintptr_t)fn;
    b->rt = (uintptr_t)rt;
    b->release = release;
    Py_INCREF(owner);
    b->owner = owner;
    Py_INCREF(on_status);
    b->on_status = on_status;
    Py_INCREF(doc);
    b->doc = doc;
    b->def.ml_name = "invoke";
    b->def.ml_meth = invoke;
    b->def.ml_flags = METH_NOARGS;
    b->def.ml_doc = text;
    PyObject *result = PyCFunction_NewEx(&b->def, (PyObject *)b, NULL);
    Py_DECREF(b);
    return result;
}

static PyMethodDef module_methods[] = {
    {"bind", bind, METH_VARARGS,
     "bind(fn, rt, owner, on_status, release, doc): invoke as a builtin (micro/_invoke.c)."},
    {NULL, NULL, 0, NULL},
};

static int module_exec(PyObject *module)
{
    PyObject *type = PyType_FromSpec(&bound_spec);
    if (type == NULL) {
        return -1;
    }
    if (PyModule_AddObject(module, "Bound", type) < 0) {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, (void *)module_exec},
    {0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "micro._invoke",
    "Interpreter.invoke as one builtin function (see micro/_invoke.c).",
    0, module_methods, module_slots, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__invoke(void)
{
    return PyModuleDef_Init(&module_def);
}
